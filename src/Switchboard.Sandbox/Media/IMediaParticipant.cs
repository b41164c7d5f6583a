namespace Switchboard.Sandbox.Media;

/// <summary>
/// Something the <see cref="MediaClock"/> drives every 20 ms. Each tick runs three phases over all
/// participants, in order, on the clock thread: every <see cref="ReadFrame"/>, then every
/// <see cref="WriteFrame"/> (which may use other participants' read frames of the same tick: bridges,
/// conference mixes), then every <see cref="FeedMediaBugs"/>. Implementations must not block or allocate.
/// </summary>
public interface IMediaParticipant
{
    /// <summary>Phase 1: produce what the party says this tick.</summary>
    void ReadFrame(long tick);

    /// <summary>Phase 2: compute what the party hears this tick.</summary>
    void WriteFrame(long tick);

    /// <summary>Phase 3: hand this tick's read/write frames to media bugs (audio stream, recorders).</summary>
    void FeedMediaBugs(long tick);
}
