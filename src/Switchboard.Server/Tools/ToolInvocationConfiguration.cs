using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tools;

internal sealed class ToolInvocationConfiguration : IEntityTypeConfiguration<ToolInvocation>
{
    public void Configure(EntityTypeBuilder<ToolInvocation> builder)
    {
        builder.ToTable("tool_invocations");
        builder.HasKey(invocation => invocation.Id);
        builder.Property(invocation => invocation.Id).ValueGeneratedNever();
        builder.Property(invocation => invocation.CallUuid).HasMaxLength(64);
        builder.Property(invocation => invocation.Name).HasMaxLength(64);
        builder.Property(invocation => invocation.Result).IsJson();
        builder.Property(invocation => invocation.Error).HasMaxLength(1000);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(invocation => invocation.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(invocation => new { invocation.TenantId, invocation.CreatedAt });
        builder.HasIndex(invocation => invocation.CallUuid);
        builder.HasIndex(invocation => invocation.ConversationId);
    }
}
