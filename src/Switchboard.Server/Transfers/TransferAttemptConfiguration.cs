using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Calls;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers;

internal sealed class TransferAttemptConfiguration : IEntityTypeConfiguration<TransferAttempt>
{
    public void Configure(EntityTypeBuilder<TransferAttempt> builder)
    {
        builder.ToTable("transfer_attempts");
        builder.HasKey(attempt => attempt.Id);
        builder.Property(attempt => attempt.Id).ValueGeneratedNever();
        builder.Property(attempt => attempt.CallUuid).HasMaxLength(64);
        builder.Property(attempt => attempt.DestinationName).HasMaxLength(100);
        builder.Property(attempt => attempt.HangupCause).HasMaxLength(64);
        builder.Property(attempt => attempt.BLegUuid).HasMaxLength(64);
        builder.Property(attempt => attempt.ConferenceName).HasMaxLength(128);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(attempt => attempt.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(attempt => attempt.ConversationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<TransferDestination>().WithMany().HasForeignKey(attempt => attempt.DestinationId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(attempt => new { attempt.TenantId, attempt.StartedAt });
        builder.HasIndex(attempt => attempt.CallUuid);
    }
}
