namespace Switchboard.Server.Tools;

/// <summary>
/// The call a tool runs for: its tenant (every query of the tool is scoped to it), secretary, conversation, the
/// FreeSWITCH call uuid, who is calling, the language spoken and the transcript so far.
/// </summary>
public sealed record ToolCallContext(
    Guid TenantId,
    Guid? SecretaryId,
    Guid? ConversationId,
    string CallUuid,
    string CallerNumber,
    string? CallerName,
    string Language,
    string Transcript);
