using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Calls;

/// <summary>Settings of the media path between FreeSWITCH (mod_audio_stream) and the call sessions.</summary>
public sealed class CallsOptions
{
    public const string Section = "Calls";

    /// <summary>Sample rate asked of mod_audio_stream (<c>8k</c> keeps G.711 calls free of resampling).</summary>
    [Range(8000, 48000)]
    public int StreamSampleRate { get; set; } = 8000;

    /// <summary>Largest binary frame accepted: STREAM_BUFFER_SIZE may batch up to a second of 48 kHz audio.</summary>
    [Range(320, 1 << 20)]
    public int MaxFrameBytes { get; set; } = 96_000;

    /// <summary>Largest text frame accepted (the metadata frame is at most 8 KiB in the module).</summary>
    [Range(256, 1 << 20)]
    public int MaxTextBytes { get; set; } = 16 * 1024;

    /// <summary>How long a connected stream may take to send its metadata frame.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stream token stays valid after the stream was started.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Base64 key of at least 32 bytes for the stream tokens. Empty: a key is generated once and kept in
    /// the data folder, which is right for one node; set it explicitly when several nodes share a PBX.
    /// </summary>
    public string? StreamTokenKey { get; set; }

    /// <summary>First playback chunk: small, so the caller hears the AI quickly.</summary>
    [Range(20, 2000)]
    public int FirstChunkMilliseconds { get; set; } = 120;

    /// <summary>Later chunks double up to this size, so file seams (20 ms each) stay rare.</summary>
    [Range(20, 10000)]
    public int MaxChunkMilliseconds { get; set; } = 1920;

    /// <summary>Longest call a session keeps open before it says goodbye and ends.</summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Media test mode: secretaries on the local provider answer with a chime and repeat what the caller says,
    /// which checks a new installation's audio path both ways (like FreeSWITCH's echo test extension).
    /// </summary>
    public bool EchoTest { get; set; }
}
