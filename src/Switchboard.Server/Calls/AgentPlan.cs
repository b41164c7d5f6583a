using Switchboard.Protocols.Realtime;
using Switchboard.Server.Secretaries;

namespace Switchboard.Server.Calls;

/// <summary>
/// One way of serving a call, in the order the secretary's processing mode gives: a provider (or the
/// local offline agent) in a mode, with the settings it connects with.
/// </summary>
public sealed record AgentPlan(
    ProcessingMode Mode,
    AiProvider? Provider,
    Func<IVoiceAgent> Create,
    VoiceAgentSettings Settings,
    TimeSpan ConnectTimeout)
{
    /// <summary>What the provider had spent this month when the call started (its budget counts from there).</summary>
    public decimal SpentAtStart { get; init; }

    /// <summary>How the conversation record names this plan, e.g. <c>realtime:open_ai_realtime</c> or <c>local</c>.</summary>
    public string Label => ConversationRecorder.Label(Mode, Provider?.Type);
}

/// <summary>What the call does after a tool ran, besides answering the provider.</summary>
public enum ToolFollowUp
{
    None,

    /// <summary>Say goodbye (the provider's answer to the result), then hang up.</summary>
    EndCall,

    /// <summary>The caller is with a person now: the AI session ends.</summary>
    Transferred,

    /// <summary>The agent's task is done (an announcement was decided): the session ends, the call is not touched.</summary>
    Finished,
}

/// <summary>A tool's answer for the provider, and what the call does next.</summary>
public sealed record CallToolReply(string ResultJson, ToolFollowUp FollowUp = ToolFollowUp.None)
{
    /// <summary>With <see cref="ToolFollowUp.EndCall"/>: the end reason recorded (<c>end_call</c> when null).</summary>
    public string? EndReason { get; init; }

    /// <summary>With <see cref="ToolFollowUp.EndCall"/>: what hands the caller on after the goodbye instead of hanging up;
    /// true when it did (the AI's part of the call is then over), false to hang up after all.</summary>
    public Func<CancellationToken, Task<bool>>? AfterGoodbye { get; init; }
}

/// <summary>Seed 1's keyword fallback: puts the call through to the destination the agent's announcement (else the
/// caller's last words) names, when the agent announced a transfer without calling the tool; null when none is named.</summary>
public delegate Task<CallToolReply?> KeywordTransferHandler(CallSession session, string agentText, string? callerText, CancellationToken cancellationToken);

/// <summary>Runs a tool the agent called, for one call.</summary>
public delegate Task<CallToolReply> CallToolHandler(CallSession session, ToolCallRequested call, CancellationToken cancellationToken);

/// <summary>Says a short phrase to the caller (e.g. "one moment" while the call changes provider).</summary>
public delegate Task CallerPhraseSpeaker(CallSession session, CallerPhrase phrase, CancellationToken cancellationToken);

/// <summary>Phrases the call itself says, outside any provider.</summary>
public enum CallerPhrase
{
    /// <summary>"Um momento, por favor." — while another provider takes over.</summary>
    OneMoment,
}
