using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox;

/// <summary>What a simulated party sends as its voice: a WAV file, a tone, silence or audio pushed live.</summary>
public abstract class CallerAudio
{
    private protected CallerAudio()
    {
    }

    public static CallerAudio Silence { get; } = new SilenceAudio();

    /// <summary>A continuous sine tone (the "voice" used by conformance extension 7442).</summary>
    public static CallerAudio Tone(double frequencyHz, double amplitude = 0.25) => new ToneAudio(frequencyHz, amplitude);

    /// <summary>A PCM WAV file, played once then silence, or looped.</summary>
    public static CallerAudio WavFile(string path, bool loop = false) => new WavFileAudio(path, loop);

    /// <summary>Audio pushed while the call runs (the browser test call); the call owns the source from then on.</summary>
    public static CallerAudio Live(LiveAudioSource source) => new LiveAudio(source);

    internal sealed class SilenceAudio : CallerAudio;

    internal sealed class ToneAudio(double frequencyHz, double amplitude) : CallerAudio
    {
        public double FrequencyHz { get; } = frequencyHz;

        public double Amplitude { get; } = amplitude;
    }

    internal sealed class WavFileAudio(string path, bool loop) : CallerAudio
    {
        public string Path { get; } = path;

        public bool Loop { get; } = loop;
    }

    internal sealed class LiveAudio(LiveAudioSource source) : CallerAudio
    {
        public LiveAudioSource Source { get; } = source;
    }
}
