using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Secretaries;

internal sealed class SecretaryConfiguration : IEntityTypeConfiguration<Secretary>
{
    public void Configure(EntityTypeBuilder<Secretary> builder)
    {
        builder.ToTable("secretaries");
        builder.HasKey(secretary => secretary.Id);
        builder.Property(secretary => secretary.Id).ValueGeneratedNever();
        builder.Property(secretary => secretary.Name).HasMaxLength(100);
        builder.Property(secretary => secretary.Extension).HasMaxLength(32);
        builder.Property(secretary => secretary.Voice).HasMaxLength(100);
        builder.Property(secretary => secretary.Language).HasMaxLength(16);
        builder.Property(secretary => secretary.Tools).HasJsonConversion(DataJsonContext.Columns.ListString);
        builder.Property(secretary => secretary.AppointmentsWebhookUrl).HasMaxLength(2048);
        builder.Property(secretary => secretary.Enabled).HasColumnName("is_enabled");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(secretary => secretary.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(secretary => secretary.Provider).WithMany()
            .HasForeignKey(secretary => secretary.ProviderId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(secretary => secretary.FallbackProvider).WithMany()
            .HasForeignKey(secretary => secretary.FallbackProviderId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(secretary => new { secretary.TenantId, secretary.Extension }).IsUnique();
    }
}
