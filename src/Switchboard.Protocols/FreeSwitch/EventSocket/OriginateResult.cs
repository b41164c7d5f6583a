namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>What an originate came to: <c>+OK &lt;uuid&gt;\n</c> or <c>-ERR &lt;CAUSE&gt;\n</c> (verified Q7).</summary>
public sealed class OriginateResult
{
    /// <summary>True on <c>+OK</c> (with <see cref="OriginateRequest.IgnoreEarlyMedia"/>: the callee answered).</summary>
    public bool Answered { get; init; }

    /// <summary>The new channel's UUID from <c>+OK &lt;uuid&gt;</c>.</summary>
    public string? Uuid { get; init; }

    /// <summary>The cause of a <c>-ERR &lt;CAUSE&gt;</c>; null on success or for an error that is not a cause.</summary>
    public HangupCause? Cause { get; init; }

    /// <summary>The BACKGROUND_JOB body verbatim.</summary>
    public required string RawReply { get; init; }

    /// <summary>The caller-facing outcome (<see cref="HangupCauses.ToTransferResult"/>); Failed for a non-cause error.</summary>
    public TransferResult Outcome =>
        Answered ? TransferResult.Success : Cause is { } cause ? HangupCauses.ToTransferResult(cause) : TransferResult.Failed;

    public static OriginateResult Parse(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        string text = reply.Trim();
        if (text.StartsWith("+OK", StringComparison.Ordinal))
        {
            string uuid = text[3..].Trim();
            return new OriginateResult { Answered = true, Uuid = uuid.Length == 0 ? null : uuid, RawReply = reply };
        }

        HangupCause? cause = text.StartsWith("-ERR ", StringComparison.Ordinal) && HangupCauses.TryParse(text[5..], out HangupCause parsed)
            ? parsed
            : null;
        return new OriginateResult { Answered = false, Cause = cause, RawReply = reply };
    }

    public override string ToString() => RawReply.Trim();
}
