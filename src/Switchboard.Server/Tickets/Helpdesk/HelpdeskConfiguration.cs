using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets.Helpdesk;

internal sealed class HelpdeskWebhookConfiguration : IEntityTypeConfiguration<HelpdeskWebhook>
{
    public void Configure(EntityTypeBuilder<HelpdeskWebhook> builder)
    {
        builder.ToTable("helpdesk_webhooks");
        builder.HasKey(webhook => webhook.TenantId);
        builder.Property(webhook => webhook.TenantId).ValueGeneratedNever();
        builder.Property(webhook => webhook.Url).HasMaxLength(2048);
        builder.HasOne<Tenant>().WithOne().HasForeignKey<HelpdeskWebhook>(webhook => webhook.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HelpdeskDeliveryConfiguration : IEntityTypeConfiguration<HelpdeskDelivery>
{
    public void Configure(EntityTypeBuilder<HelpdeskDelivery> builder)
    {
        builder.ToTable("helpdesk_outbox");
        builder.HasKey(delivery => delivery.Id);
        builder.Property(delivery => delivery.Id).ValueGeneratedNever();
        builder.Property(delivery => delivery.LastError).HasMaxLength(2000);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(delivery => delivery.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(delivery => delivery.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(delivery => new { delivery.TenantId, delivery.CreatedAt });
        builder.HasIndex(delivery => new { delivery.Status, delivery.NextAttemptAt });
        builder.HasIndex(delivery => delivery.TicketId);
    }
}
