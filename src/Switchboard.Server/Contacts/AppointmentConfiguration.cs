using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Contacts;

internal sealed class AppointmentConfiguration : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> builder)
    {
        builder.ToTable("appointments");
        builder.HasKey(appointment => appointment.Id);
        builder.Property(appointment => appointment.Id).ValueGeneratedNever();
        builder.Property(appointment => appointment.ContactPhone).HasMaxLength(32);
        builder.Property(appointment => appointment.WithWhom).HasMaxLength(200);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(appointment => appointment.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(appointment => new { appointment.TenantId, appointment.ContactPhone, appointment.StartsAt });
    }
}
