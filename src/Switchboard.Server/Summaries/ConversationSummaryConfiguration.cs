using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Calls;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Summaries;

internal sealed class ConversationSummaryConfiguration : IEntityTypeConfiguration<ConversationSummary>
{
    public void Configure(EntityTypeBuilder<ConversationSummary> builder)
    {
        builder.ToTable("conversation_summaries");
        builder.HasKey(summary => summary.Id);
        builder.Property(summary => summary.Id).ValueGeneratedNever();
        builder.Property(summary => summary.LastError).HasMaxLength(2000);
        builder.Property(summary => summary.Method).HasMaxLength(32);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(summary => summary.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(summary => summary.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(summary => summary.ConversationId).IsUnique();
        builder.HasIndex(summary => new { summary.Status, summary.NextAttemptAt });
    }
}
