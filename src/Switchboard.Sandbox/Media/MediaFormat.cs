namespace Switchboard.Sandbox.Media;

/// <summary>
/// The internal media format of every sandbox channel: 8 kHz 16-bit mono PCM in 20 ms frames, as a
/// SIP PCMU call decodes to inside FreeSWITCH.
/// </summary>
public static class MediaFormat
{
    /// <summary>Channel sample rate in Hz.</summary>
    public const int SampleRate = 8000;

    /// <summary>Frame length in milliseconds (the media clock period).</summary>
    public const int FrameMilliseconds = 20;

    /// <summary>Samples in one channel frame (160).</summary>
    public const int FrameSamples = SampleRate * FrameMilliseconds / 1000;

    /// <summary>Bytes in one channel frame (320).</summary>
    public const int FrameBytes = FrameSamples * 2;

    /// <summary>The media clock period.</summary>
    public static TimeSpan FrameDuration { get; } = TimeSpan.FromMilliseconds(FrameMilliseconds);

    /// <summary>Whole frames in <paramref name="duration"/>, rounded up.</summary>
    public static int FramesIn(TimeSpan duration) =>
        (int)Math.Ceiling(duration.TotalMilliseconds / FrameMilliseconds);
}
