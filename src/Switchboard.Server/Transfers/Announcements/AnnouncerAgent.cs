using System.Text.Json;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Calls;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers.Execution;

namespace Switchboard.Server.Transfers.Announcements;

/// <summary>
/// Talks to the human of an announced transfer on the human's own leg (seed 2): an AI voice session with the tools
/// <c>accept_transfer</c> / <c>reject_transfer(reason)</c>, or the spoken announcement when no AI provider can serve.
/// Keys work with either: <see cref="TransferExecutionOptions.AcceptDigit"/> accepts, <see cref="TransferExecutionOptions.RefuseDigit"/>
/// refuses. The first decision wins and is reported to the waiting transfer.
/// </summary>
public sealed class AnnouncerAgent(ICallAgent inner, PendingAnnouncement pending, char acceptDigit, char refuseDigit) : ICallAgent
{
    public const string AcceptTool = "accept_transfer";
    public const string RejectTool = "reject_transfer";

    /// <summary>The two tools of the AI announcer.</summary>
    public static IReadOnlyList<ToolDefinition> Tools { get; } =
    [
        new(AcceptTool, "The colleague accepts the call: connect the caller now.", """{"type":"object","properties":{},"additionalProperties":false}"""),
        new(RejectTool, "The colleague cannot take the call now.",
            """{"type":"object","properties":{"reason":{"type":["string","null"],"description":"Why, in a few words, if said."}},"required":["reason"],"additionalProperties":false}"""),
    ];

    public ICallAgent Inner => inner;

    public void OnCallerAudio(ReadOnlySpan<byte> frame) => inner.OnCallerAudio(frame);

    public void OnDtmf(char digit)
    {
        if (digit == acceptDigit)
        {
            pending.Decide(AnnouncementDecision.Accepted);
        }
        else if (digit == refuseDigit)
        {
            pending.Decide(AnnouncementDecision.Refused($"pressed {digit}"));
        }
        else
        {
            inner.OnDtmf(digit);
        }
    }

    public void OnCallerText(string text) => inner.OnCallerText(text);

    public async Task RunAsync(CallSession session, CancellationToken cancellationToken)
    {
        pending.MarkAttached();
        await inner.RunAsync(session, cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Runs the AI announcer's tool calls: a decision for the two tools, an error for anything else.</summary>
    public static Task<CallToolReply> RunToolAsync(PendingAnnouncement pending, ToolCallRequested call)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Name)
        {
            case AcceptTool:
                pending.Decide(AnnouncementDecision.Accepted);
                return Task.FromResult(new CallToolReply("""{"ok":true,"status":"connecting"}""", ToolFollowUp.Finished));
            case RejectTool:
                pending.Decide(AnnouncementDecision.Refused(Reason(call.ArgumentsJson)));
                return Task.FromResult(new CallToolReply("""{"ok":true,"status":"declined"}""", ToolFollowUp.Finished));
            default:
                return Task.FromResult(new CallToolReply(ToolResults.Error($"unknown tool {call.Name}")));
        }
    }

    private static string? Reason(string argumentsJson)
    {
        try
        {
            using JsonDocument arguments = JsonDocument.Parse(argumentsJson);
            return ToolArguments.GetText(arguments.RootElement, "reason");
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
