using System.Text.Json;
using Switchboard.Protocols.Realtime;

namespace Switchboard.Server.Tools;

/// <summary><c>end_call</c>: the conversation is over; the call layer lets the goodbye play, then hangs up.</summary>
internal sealed class EndCallTool : ICallTool
{
    private const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "reason": { "type": ["string", "null"], "description": "Why the call ends, e.g. 'caller_done', 'wrong_number', 'silence'." }
          },
          "required": ["reason"],
          "additionalProperties": false
        }
        """;

    public string Name => ToolNames.EndCall;

    public ToolDefinition Describe(string language) => new(
        Name,
        "Hang up. Call it when the conversation is over (the caller said goodbye or needs nothing else), right after "
        + "saying goodbye; the goodbye is heard before the line closes.",
        Schema);

    public Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken) =>
        Task.FromResult(new ToolOutcome(ToolResults.Ok, new EndCallAction(ToolArguments.GetText(arguments, "reason") ?? "caller_done")));
}
