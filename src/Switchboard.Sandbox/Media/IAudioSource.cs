namespace Switchboard.Sandbox.Media;

/// <summary>
/// A pull source of 8 kHz mono PCM16 (<see cref="MediaFormat.SampleRate"/>): what a party says, or a
/// file/stream a channel plays. Read on the media clock thread, one frame per tick; implementations
/// must not allocate or block in <see cref="Read"/>.
/// </summary>
public interface IAudioSource : IDisposable
{
    /// <summary>
    /// Fills <paramref name="destination"/> with the next samples and returns how many were written.
    /// Fewer than requested means the source ended inside this frame; 0 means it has ended.
    /// </summary>
    int Read(Span<short> destination);
}
