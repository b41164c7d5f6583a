namespace Switchboard.Protocols.Audio;

/// <summary>
/// A frame-energy voice activity detector: speech starts after <c>minSpeechMs</c> of consecutive frames
/// at or above the threshold and ends after <c>hangoverMs</c> of consecutive frames below it. Meant for
/// barge-in and end-of-turn hints on telephone audio, where the line noise floor is steady; it does not
/// tell speech from other loud sounds.
/// </summary>
/// <remarks>
/// The minimum speech duration keeps clicks and line pops (one or two frames) from starting speech; the
/// hangover bridges the short pauses between words. Levels are RMS relative to a full-scale square wave
/// (a full-scale sine is −3 dBFS). Allocation-free; not thread-safe (one instance per audio stream).
/// </remarks>
public sealed class EnergyVad
{
    private int _speechMs;
    private int _silenceMs;

    /// <param name="thresholdDbfs">Frame level (RMS dBFS) at or above which a frame counts as speech.</param>
    /// <param name="minSpeechMs">Consecutive speech needed before <see cref="VadEvent.SpeechStarted"/>.</param>
    /// <param name="hangoverMs">Consecutive silence needed before <see cref="VadEvent.SpeechEnded"/>.</param>
    /// <param name="frameMs">Duration of every frame passed to <see cref="Process"/>.</param>
    public EnergyVad(double thresholdDbfs = -40, int minSpeechMs = 100, int hangoverMs = 400, int frameMs = 20)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thresholdDbfs, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(thresholdDbfs, -120);
        ArgumentOutOfRangeException.ThrowIfNegative(minSpeechMs);
        ArgumentOutOfRangeException.ThrowIfNegative(hangoverMs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameMs);
        ThresholdDbfs = thresholdDbfs;
        MinSpeechMs = minSpeechMs;
        HangoverMs = hangoverMs;
        FrameMs = frameMs;
        LastLevelDbfs = double.NegativeInfinity;
    }

    public double ThresholdDbfs { get; }

    public int MinSpeechMs { get; }

    public int HangoverMs { get; }

    public int FrameMs { get; }

    /// <summary>Whether the detector is inside a speech segment.</summary>
    public bool IsSpeaking { get; private set; }

    /// <summary>Level of the last processed frame in dBFS (negative infinity for digital silence).</summary>
    public double LastLevelDbfs { get; private set; }

    /// <summary>RMS level of <paramref name="samples"/> in dBFS; negative infinity for digital silence or no samples.</summary>
    public static double LevelDbfs(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return double.NegativeInfinity;
        }

        long sumOfSquares = 0; // 32768² × 65536 samples still fits in a long
        foreach (short s in samples)
        {
            sumOfSquares += s * s;
        }

        double meanSquare = (double)sumOfSquares / samples.Length;
        return meanSquare == 0 ? double.NegativeInfinity : 10 * Math.Log10(meanSquare / (32768.0 * 32768.0));
    }

    /// <summary>Feeds one frame of <see cref="FrameMs"/> and reports whether speech started or ended with it.</summary>
    public VadEvent Process(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty)
        {
            return VadEvent.None;
        }

        double level = LevelDbfs(frame);
        LastLevelDbfs = level;
        bool loud = level >= ThresholdDbfs;
        if (loud)
        {
            _silenceMs = 0;
            if (!IsSpeaking)
            {
                _speechMs += FrameMs;
                if (_speechMs >= MinSpeechMs)
                {
                    IsSpeaking = true;
                    _speechMs = 0;
                    return VadEvent.SpeechStarted;
                }
            }
        }
        else
        {
            _speechMs = 0;
            if (IsSpeaking)
            {
                _silenceMs += FrameMs;
                if (_silenceMs >= HangoverMs)
                {
                    IsSpeaking = false;
                    _silenceMs = 0;
                    return VadEvent.SpeechEnded;
                }
            }
        }

        return VadEvent.None;
    }

    /// <summary>Returns to the initial silent state.</summary>
    public void Reset()
    {
        IsSpeaking = false;
        _speechMs = 0;
        _silenceMs = 0;
        LastLevelDbfs = double.NegativeInfinity;
    }
}
