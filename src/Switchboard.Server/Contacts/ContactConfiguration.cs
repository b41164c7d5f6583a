using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Contacts;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.ToTable("contacts");
        builder.HasKey(contact => contact.Id);
        builder.Property(contact => contact.Id).ValueGeneratedNever();
        builder.Property(contact => contact.Name).HasMaxLength(200);
        builder.Property(contact => contact.Phone).HasMaxLength(32);
        builder.Property(contact => contact.Company).HasMaxLength(200);
        builder.Property(contact => contact.Email).HasMaxLength(320);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(contact => contact.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(contact => new { contact.TenantId, contact.Phone });
    }
}
