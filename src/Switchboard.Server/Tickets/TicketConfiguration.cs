using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Calls;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets;

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        builder.ToTable("tickets");
        builder.HasKey(ticket => ticket.Id);
        builder.Property(ticket => ticket.Id).ValueGeneratedNever();
        builder.Property(ticket => ticket.Subject).HasMaxLength(200);
        builder.Property(ticket => ticket.CallerNumber).HasMaxLength(64);
        builder.Property(ticket => ticket.CallerName).HasMaxLength(200);
        builder.Property(ticket => ticket.IntendedDestination).HasMaxLength(100);
        builder.Property(ticket => ticket.Reason).HasMaxLength(100);
        builder.Property(ticket => ticket.RecordingUrl).HasMaxLength(2048);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(ticket => ticket.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(ticket => ticket.ConversationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(ticket => new { ticket.TenantId, ticket.Number }).IsUnique();
        builder.HasIndex(ticket => new { ticket.TenantId, ticket.Status });
    }
}
