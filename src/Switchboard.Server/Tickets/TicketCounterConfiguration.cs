using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets;

internal sealed class TicketCounterConfiguration : IEntityTypeConfiguration<TicketCounter>
{
    public void Configure(EntityTypeBuilder<TicketCounter> builder)
    {
        builder.ToTable("ticket_counters");
        builder.HasKey(counter => counter.TenantId);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(counter => counter.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
