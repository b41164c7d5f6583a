namespace Switchboard.Server.Tools;

/// <summary>What the call layer must do after handing a tool's result back to the agent.</summary>
public abstract record ToolAction
{
    /// <summary>Nothing: the conversation goes on.</summary>
    public static readonly ToolAction None = new NoAction();

    private sealed record NoAction : ToolAction;
}

/// <summary>Let the agent say goodbye, then hang up — or, with <paramref name="Then"/>, hand the caller on instead (e.g. to a
/// voicemail box); when that fails the call is hung up after all.</summary>
public sealed record EndCallAction(string Reason, Func<CancellationToken, Task<bool>>? Then = null) : ToolAction;

/// <summary>Transfer the caller to <paramref name="Destination"/> (the transfer feature resolves and runs it).</summary>
public sealed record TransferCallAction(string Destination, string Reason) : ToolAction;
