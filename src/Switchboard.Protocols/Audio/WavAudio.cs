namespace Switchboard.Protocols.Audio;

/// <summary>PCM16 audio read from a WAV file; <paramref name="Samples"/> are interleaved when <paramref name="Channels"/> &gt; 1.</summary>
public sealed record WavAudio(short[] Samples, int SampleRate, int Channels)
{
    /// <summary>Duration of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / Channels / SampleRate);
}
