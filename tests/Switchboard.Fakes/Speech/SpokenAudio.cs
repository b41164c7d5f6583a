using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Fakes.Speech;

/// <summary>
/// Real speech for caller audio in tests, synthesised with eSpeak NG (must be installed): mono PCM16 at the call rate
/// with about 300 ms of silence before and after, like a caller who waits a moment and then stops.
/// </summary>
public static class SpokenAudio
{
    private static readonly TimeSpan Padding = TimeSpan.FromMilliseconds(300);

    /// <summary>Writes the spoken <paramref name="text"/> as a WAV file in <paramref name="directory"/> and returns its path.</summary>
    public static async Task<string> WriteWavAsync(string text, string language, int sampleRate, string directory, CancellationToken cancellationToken)
    {
        short[] samples = await PcmAsync(text, language, sampleRate, cancellationToken);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"spoken-{language}-{Guid.NewGuid():N}.wav");
        await using FileStream file = File.Create(path);
        WavFile.Write(file, samples, sampleRate);
        return path;
    }

    /// <summary>The spoken <paramref name="text"/> as PCM16 samples at <paramref name="sampleRate"/> (8, 16, 24 or 48 kHz).</summary>
    public static async Task<short[]> PcmAsync(string text, string language, int sampleRate, CancellationToken cancellationToken)
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions { CacheBytes = 0 }, language, sampleRate);
        int padding = (int)(Padding.TotalSeconds * sampleRate);
        var samples = new List<short>(sampleRate * 4);
        samples.AddRange(new short[padding]);
        await foreach (ReadOnlyMemory<byte> chunk in speech.SynthesizeAsync(text, cancellationToken))
        {
            samples.AddRange(Pcm16.AsSamples(chunk.Span));
        }

        samples.AddRange(new short[padding]);
        return [.. samples];
    }
}
