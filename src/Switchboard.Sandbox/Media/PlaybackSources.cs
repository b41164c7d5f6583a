using System.Globalization;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// Opens what the <c>playback</c> application accepts: <c>local_stream://&lt;name&gt;</c> (the generated
/// <see cref="MusicOnHoldSource"/>, endless), <c>tone_stream://…</c> (<see cref="ToneStreamSource"/>),
/// <c>silence_stream://ms</c> (≤ 0 = endless), and files by extension: <c>.wav</c> (PCM16),
/// <c>.r8/.r16/.r24/.r32/.r48/.r64</c> (raw L16 at that rate). Anything else fails to open, as a file
/// whose format module is not loaded does in FreeSWITCH.
/// </summary>
public static class PlaybackSources
{
    /// <summary>The error FreeSWITCH logs for a file it cannot open.</summary>
    public const string OpenError = "Error Opening File";

    /// <summary>Opens <paramref name="path"/>; false with a reason when it cannot be played.</summary>
    public static bool TryOpen(string path, out IAudioSource? source, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        source = null;
        error = null;
        if (path.StartsWith("local_stream://", StringComparison.OrdinalIgnoreCase))
        {
            source = new MusicOnHoldSource();
            return true;
        }

        if (path.StartsWith("tone_stream://", StringComparison.OrdinalIgnoreCase))
        {
            bool ok = ToneStreamSource.TryParse(path["tone_stream://".Length..], out ToneStreamSource? tones, out error);
            source = tones;
            return ok;
        }

        if (path.StartsWith("silence_stream://", StringComparison.OrdinalIgnoreCase))
        {
            string argument = path["silence_stream://".Length..].Split(',')[0];
            if (!int.TryParse(argument, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int milliseconds))
            {
                error = $"Bad silence_stream duration '{argument}'.";
                return false;
            }

            source = new SilenceSource(milliseconds > 0 ? TimeSpan.FromMilliseconds(milliseconds) : null);
            return true;
        }

        try
        {
            if (path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            {
                source = WavFileSource.Open(path);
                return true;
            }

            int rate = RawFileSource.RateFromExtension(path);
            if (rate > 0)
            {
                source = new RawFileSource(path, rate);
                return true;
            }

            error = $"{OpenError} [{path}] Unsupported file format";
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            error = $"{OpenError} [{path}] {exception.Message}";
            return false;
        }
    }
}
