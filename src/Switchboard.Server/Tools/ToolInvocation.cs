using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tools;

/// <summary>
/// Audit row of one tool call: what the agent asked, what it was told, how long it took. Written for every call,
/// including refused ones (unknown tool, bad arguments). No foreign key to the conversation: the audit is kept even
/// for a call whose conversation row is not stored (yet).
/// </summary>
public sealed class ToolInvocation : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid? ConversationId { get; set; }

    public string CallUuid { get; set; } = "";

    /// <summary>The function name as the agent sent it (possibly unknown).</summary>
    public string Name { get; set; } = "";

    /// <summary>Arguments as received: text, since they may not be valid JSON.</summary>
    public string Arguments { get; set; } = "";

    /// <summary>The JSON object handed back to the agent.</summary>
    public string Result { get; set; } = "";

    public int DurationMs { get; set; }

    public bool Succeeded { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
