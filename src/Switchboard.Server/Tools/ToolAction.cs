namespace Switchboard.Server.Tools;

/// <summary>What the call layer must do after handing a tool's result back to the agent.</summary>
public abstract record ToolAction
{
    /// <summary>Nothing: the conversation goes on.</summary>
    public static readonly ToolAction None = new NoAction();

    private sealed record NoAction : ToolAction;
}

/// <summary>Let the agent say goodbye, then hang up.</summary>
public sealed record EndCallAction(string Reason) : ToolAction;

/// <summary>Transfer the caller to <paramref name="Destination"/> (the transfer feature resolves and runs it).</summary>
public sealed record TransferCallAction(string Destination, string Reason) : ToolAction;
