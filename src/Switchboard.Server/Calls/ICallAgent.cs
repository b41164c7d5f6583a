namespace Switchboard.Server.Calls;

/// <summary>
/// Whoever talks to the caller in a <see cref="CallSession"/>: the voice agent of the secretary, or
/// the built-in greeting/echo agent.
/// </summary>
public interface ICallAgent : IAsyncDisposable
{
    /// <summary>One 20 ms PCM16 frame of the caller, on the receive loop: must not block or allocate.</summary>
    void OnCallerAudio(ReadOnlySpan<byte> frame);

    /// <summary>A DTMF digit pressed by the caller.</summary>
    void OnDtmf(char digit);

    /// <summary>What the caller typed instead of speaking (browser test call, <c>send_text</c> on the stream).</summary>
    void OnCallerText(string text);

    /// <summary>Runs the conversation until the call ends (cancellation) or the agent is done.</summary>
    Task RunAsync(CallSession session, CancellationToken cancellationToken);
}
