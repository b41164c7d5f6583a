namespace Switchboard.Sandbox.Media;

/// <summary>
/// A tap on a channel's media (FreeSWITCH "media bug"): the audio stream, a recording, a browser
/// listener. Called on the media clock thread once per tick in which the channel read a frame (a held
/// channel reads none); must not block or allocate.
/// </summary>
public interface IMediaBug
{
    /// <param name="tick">The clock tick.</param>
    /// <param name="read">What the party said (160 samples, 8 kHz).</param>
    /// <param name="write">What the party heard (160 samples, 8 kHz).</param>
    void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write);
}
