using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Switchboard.Server.Tenancy;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.ToTable("tenants", table => table.HasCheckConstraint("ck_tenants_domain_name_lower", "domain_name = lower(domain_name)"));
        builder.HasKey(tenant => tenant.Id);
        builder.Property(tenant => tenant.Id).ValueGeneratedNever();
        builder.Property(tenant => tenant.DomainName).HasMaxLength(253);
        builder.Property(tenant => tenant.DisplayName).HasMaxLength(200);
        builder.Property(tenant => tenant.TimeZone).HasMaxLength(64);
        builder.Property(tenant => tenant.Language).HasMaxLength(16);
        builder.Property(tenant => tenant.Enabled).HasColumnName("is_enabled");
        builder.HasIndex(tenant => tenant.DomainName).IsUnique();
    }
}
