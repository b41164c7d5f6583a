namespace Switchboard.Server.Calls;

/// <summary>
/// One switch of a conversation's processing mode or provider, e.g. from "realtime:open_ai_realtime" to
/// "turn_based:pipeline" because the provider dropped the connection.
/// </summary>
public sealed record ConversationModeSwitch(DateTimeOffset At, string From, string To, string Reason);
