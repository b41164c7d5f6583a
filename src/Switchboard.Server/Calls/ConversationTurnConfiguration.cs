using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Calls;

internal sealed class ConversationTurnConfiguration : IEntityTypeConfiguration<ConversationTurn>
{
    public void Configure(EntityTypeBuilder<ConversationTurn> builder)
    {
        builder.ToTable("conversation_turns");
        builder.HasKey(turn => turn.Id);
        builder.Property(turn => turn.Id).ValueGeneratedNever();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(turn => turn.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(turn => new { turn.ConversationId, turn.Sequence }).IsUnique();
    }
}
