namespace Switchboard.Protocols.Realtime;

/// <summary>
/// A voice agent that understands key presses (the local menu agent): the call bridge forwards every DTMF digit the
/// caller presses to it.
/// </summary>
public interface IDtmfAware
{
    /// <summary>One key press: <c>0</c>–<c>9</c>, <c>*</c>, <c>#</c> (or <c>A</c>–<c>D</c>).</summary>
    ValueTask SendDtmfAsync(char digit, CancellationToken cancellationToken);
}
