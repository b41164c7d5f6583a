namespace Switchboard.Server.Tools;

/// <summary>A tool's answer for the agent (a JSON object with <c>"ok"</c>) and what the call must do next.</summary>
public sealed record ToolOutcome(string ResultJson, ToolAction Action);
