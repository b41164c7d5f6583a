using System.Globalization;

namespace Switchboard.Sandbox.Media;

/// <summary><c>uuid_audio_stream … start</c> mix types.</summary>
public enum AudioStreamMix
{
    /// <summary>What the channel reads (the party's voice).</summary>
    Mono,

    /// <summary>Read and write mixed into one channel.</summary>
    Mixed,

    /// <summary>Two interleaved channels: left = read, right = write.</summary>
    Stereo,
}

/// <summary>
/// The parameters of one <c>uuid_audio_stream &lt;uuid&gt; start &lt;url&gt; &lt;mix&gt; [rate] [metadata]</c>
/// plus the channel variables the module reads at start. The <c>TryParse…</c> helpers apply the module's
/// validation rules (freeswitch.md §5.2–5.3), so the command layer can reply <c>-ERR Operation Failed</c>
/// exactly where FreeSWITCH does.
/// </summary>
public sealed class AudioStreamOptions
{
    /// <summary>The WebSocket URL (<c>ws://</c> or <c>wss://</c>).</summary>
    public required Uri Url { get; init; }

    /// <summary>Where the <c>streamAudio</c> files go (FreeSWITCH's temp directory).</summary>
    public required string TempDirectory { get; init; }

    /// <summary>Mix type.</summary>
    public AudioStreamMix Mix { get; init; } = AudioStreamMix.Mono;

    /// <summary>Stream sample rate (8000, 16000, or another multiple of 8000).</summary>
    public int SampleRate { get; init; } = MediaFormat.SampleRate;

    /// <summary>Sent verbatim as the first (text) message, if not null.</summary>
    public string? Metadata { get; init; }

    /// <summary><c>STREAM_BUFFER_SIZE</c>: milliseconds of audio per binary message (multiple of 20).</summary>
    public int BufferMilliseconds { get; init; } = MediaFormat.FrameMilliseconds;

    /// <summary><c>STREAM_EXTRA_HEADERS</c>: extra upgrade-request headers.</summary>
    public IReadOnlyDictionary<string, string>? ExtraHeaders { get; init; }

    /// <summary><c>STREAM_HEART_BEAT</c>: WebSocket ping interval, or null for none.</summary>
    public TimeSpan? HeartBeat { get; init; }

    /// <summary>Stamp each binary message with its send time (<see cref="StreamLatencyProbe"/>; load tests only).</summary>
    public bool LatencyProbe { get; init; }

    /// <summary>Connect timeout (libwsc: about 1–2 s); on expiry the stream fails with code 6.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bytes per binary message: 320 for 20 ms mono at 8 kHz, 640 at 16 kHz or stereo.</summary>
    public int MessageBytes =>
        SampleRate / 1000 * BufferMilliseconds * 2 * (Mix == AudioStreamMix.Stereo ? 2 : 1);

    /// <summary>Parses the mix argument (<c>mono</c>, <c>mixed</c>, <c>stereo</c>; exact spelling).</summary>
    public static bool TryParseMix(string? text, out AudioStreamMix mix)
    {
        switch (text)
        {
            case "mono":
                mix = AudioStreamMix.Mono;
                return true;
            case "mixed":
                mix = AudioStreamMix.Mixed;
                return true;
            case "stereo":
                mix = AudioStreamMix.Stereo;
                return true;
            default:
                mix = default;
                return false;
        }
    }

    /// <summary>
    /// Parses the rate argument: absent = 8000, <c>8k</c>, <c>16k</c>, or a decimal multiple of 8000
    /// (<c>24000</c>, <c>48000</c>). <c>24k</c>, <c>44100</c> are rejected, as by the module.
    /// </summary>
    public static bool TryParseRate(string? text, out int rate)
    {
        rate = MediaFormat.SampleRate;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        switch (text)
        {
            case "8k":
                return true;
            case "16k":
                rate = 16000;
                return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value % 8000 == 0 && value <= 192000)
        {
            rate = value;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Validates a stream URL as the module does: <c>ws://</c> or <c>wss://</c>, a host of letters, digits,
    /// <c>-</c> and <c>.</c> only (no IPv6 literal, no underscore), an optional numeric port, anything after <c>/</c>.
    /// </summary>
    public static bool TryParseUrl(string? text, out Uri? url)
    {
        url = null;
        if (text is null)
        {
            return false;
        }

        int schemeLength = text.StartsWith("ws://", StringComparison.Ordinal) ? 5
            : text.StartsWith("wss://", StringComparison.Ordinal) ? 6
            : 0;
        if (schemeLength == 0)
        {
            return false;
        }

        ReadOnlySpan<char> authority = text.AsSpan(schemeLength);
        int slash = authority.IndexOfAny('/', '?');
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        int colon = authority.IndexOf(':');
        ReadOnlySpan<char> host = colon >= 0 ? authority[..colon] : authority;
        if (host.IsEmpty)
        {
            return false;
        }

        foreach (char c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '.')
            {
                return false;
            }
        }

        if (colon >= 0)
        {
            ReadOnlySpan<char> port = authority[(colon + 1)..];
            if (port.IsEmpty || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is < 1 or > 65535)
            {
                return false;
            }
        }

        return Uri.TryCreate(text, UriKind.Absolute, out url);
    }

    /// <summary><c>STREAM_BUFFER_SIZE</c>: a positive multiple of 20, else 20.</summary>
    public static int ParseBufferSize(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value % MediaFormat.FrameMilliseconds == 0
            ? value
            : MediaFormat.FrameMilliseconds;
}
