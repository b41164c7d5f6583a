using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers;

internal sealed class TransferDestinationConfiguration : IEntityTypeConfiguration<TransferDestination>
{
    public void Configure(EntityTypeBuilder<TransferDestination> builder)
    {
        builder.ToTable("transfer_destinations");
        builder.HasKey(destination => destination.Id);
        builder.Property(destination => destination.Id).ValueGeneratedNever();
        builder.Property(destination => destination.Name).HasMaxLength(100);
        builder.Property(destination => destination.Aliases).HasJsonConversion(DataJsonContext.Columns.ListString);
        builder.Property(destination => destination.DestinationNumber).HasMaxLength(50);
        builder.Property(destination => destination.DestinationContext).HasMaxLength(253);
        builder.Property(destination => destination.Department).HasMaxLength(100);
        builder.Property(destination => destination.Role).HasMaxLength(100);
        builder.Property(destination => destination.WorkingHours).HasJsonConversion(DataJsonContext.Columns.WorkingHours!);
        builder.Property(destination => destination.Enabled).HasColumnName("is_enabled");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(destination => destination.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Secretary>().WithMany().HasForeignKey(destination => destination.SecretaryId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(destination => new { destination.TenantId, destination.Priority });

        // Names are how callers and agents ask for a destination: one per name and tenant, whatever slips past the catalog's checks.
        builder.HasIndex(destination => new { destination.TenantId, destination.Name }).IsUnique();

        // At most one enabled default destination per tenant. The same filter text is valid on both providers.
        builder.HasIndex(destination => destination.TenantId, "ix_transfer_destinations_default")
            .IsUnique()
            .HasFilter("is_default AND is_enabled");
    }
}
