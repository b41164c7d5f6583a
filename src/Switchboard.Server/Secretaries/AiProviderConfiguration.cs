using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Secretaries;

internal sealed class AiProviderConfiguration : IEntityTypeConfiguration<AiProvider>
{
    public void Configure(EntityTypeBuilder<AiProvider> builder)
    {
        builder.ToTable("ai_providers");
        builder.HasKey(provider => provider.Id);
        builder.Property(provider => provider.Id).ValueGeneratedNever();
        builder.Property(provider => provider.Name).HasMaxLength(100);
        builder.Property(provider => provider.Settings).IsJson();
        builder.Property(provider => provider.BudgetMonthlyUsd).HasPrecision(18, 6);
        builder.Property(provider => provider.SpentThisMonthUsd).HasPrecision(18, 6);
        builder.Property(provider => provider.Enabled).HasColumnName("is_enabled");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(provider => provider.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(provider => new { provider.TenantId, provider.Name }).IsUnique();
    }
}
