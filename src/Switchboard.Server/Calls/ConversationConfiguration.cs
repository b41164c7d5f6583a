using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Calls;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.HasKey(conversation => conversation.Id);
        builder.Property(conversation => conversation.Id).ValueGeneratedNever();
        builder.Property(conversation => conversation.CallUuid).HasMaxLength(64);
        builder.Property(conversation => conversation.CallerNumber).HasMaxLength(64);
        builder.Property(conversation => conversation.CallerName).HasMaxLength(200);
        builder.Property(conversation => conversation.EndReason).HasMaxLength(64);
        builder.Property(conversation => conversation.RecordingUrl).HasMaxLength(2048);
        builder.Property(conversation => conversation.EstimatedCostUsd).HasPrecision(18, 6);
        builder.Property(conversation => conversation.FallbackEvents).HasJsonConversion(DataJsonContext.Columns.ListConversationModeSwitch);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(conversation => conversation.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Secretary>().WithMany().HasForeignKey(conversation => conversation.SecretaryId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(conversation => conversation.Turns).WithOne()
            .HasForeignKey(turn => turn.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(conversation => new { conversation.TenantId, conversation.StartedAt });
        builder.HasIndex(conversation => conversation.CallUuid);
    }
}
