namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>
/// An agent audio format as ElevenLabs names it (<c>ulaw_8000</c>, <c>pcm_16000</c>, ...; ai-providers.md §2.2).
/// Only the formats this bridge can convert without loss of timing are accepted: µ-law 8 kHz and PCM16 at the
/// rates <see cref="Audio.Resampler"/> handles (8, 16, 24, 48 kHz). <c>pcm_22050</c> and <c>pcm_44100</c> are refused.
/// </summary>
internal readonly record struct ElevenLabsAudioFormat(string Name, bool MuLaw, int SampleRate)
{
    public static bool TryParse(string? name, out ElevenLabsAudioFormat format)
    {
        format = default;
        switch (name)
        {
            case "ulaw_8000":
                format = new(name, true, 8000);
                return true;
            case "pcm_8000":
            case "pcm_16000":
            case "pcm_24000":
            case "pcm_48000":
                format = new(name, false, int.Parse(name.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Bytes of audio in this format for one sample.</summary>
    public int BytesPerSample => MuLaw ? 1 : 2;
}
