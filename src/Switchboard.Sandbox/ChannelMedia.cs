using Switchboard.Sandbox.Dialplan;

namespace Switchboard.Sandbox;

/// <summary>
/// The media side of one channel: what the far end sends, playback, echo, recordings and the mod_audio_stream bug.
/// This is the seam to the media engine (namespace <c>Switchboard.Sandbox.Media</c>); on its own it keeps FreeSWITCH's
/// timing (playback lasts as long as the file, frames are 20 ms of the injected clock) without moving audio.
/// Methods named <c>On…</c> are notifications from the call logic and run under the switch lock.
/// </summary>
internal sealed class ChannelMedia
{
    public static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    private readonly SandboxChannel _channel;
    private readonly SwitchCore _core;
    private readonly List<RecordingState> _recordings = [];

    public ChannelMedia(SandboxChannel channel, SwitchCore core)
    {
        _channel = channel;
        _core = core;
    }

    /// <summary>What the far end (phone, caller, simulated human) sends into this channel.</summary>
    public CallerAudio FarEndVoice { get; set; } = CallerAudio.Silence;

    /// <summary>The attached mod_audio_stream bug, if any.</summary>
    public AudioStreamAttachment? Stream { get; private set; }

    public bool Echoing { get; private set; }

    public IReadOnlyList<RecordingState> Recordings => _recordings;

    /// <summary>Waits for <paramref name="frames"/> media frames (lead frames of a queued execute).</summary>
    public Task WaitFramesAsync(int frames, CancellationToken cancellationToken) =>
        Task.Delay(Frame * frames, _core.Time, cancellationToken);

    /// <summary>Plays a source to the far end; completes when it ends (endless streams only end by cancellation).</summary>
    public async Task PlayAsync(PlaybackSource source, CancellationToken cancellationToken)
    {
        // The first frame of a playback goes out on the next media tick.
        await Task.Delay(source.Duration is { } d ? d + Frame : Timeout.InfiniteTimeSpan, _core.Time, cancellationToken);
    }

    public void StartEcho() => Echoing = true;

    public void StopEcho() => Echoing = false;

    public RecordingState? FindRecording(string path) =>
        _recordings.FirstOrDefault(r => string.Equals(r.Path, path, StringComparison.Ordinal));

    /// <summary>Starts a recording of this channel (<c>uuid_record start</c>, <c>record_session</c>).</summary>
    public RecordingState? StartRecording(string path, int limitSeconds)
    {
        try
        {
            var directory = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                System.IO.Directory.CreateDirectory(directory);
            }

            File.WriteAllBytes(path, []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }

        var recording = new RecordingState(path, _core.Time.GetUtcNow(), limitSeconds);
        _recordings.Add(recording);
        return recording;
    }

    /// <summary>Stops a recording and writes its file.</summary>
    public void StopRecording(RecordingState recording)
    {
        _recordings.Remove(recording);
        var seconds = Math.Max(0, (_core.Time.GetUtcNow() - recording.Started).TotalSeconds);
        WriteSilentWav(recording.Path, seconds);
    }

    /// <summary>Attaches the mod_audio_stream bug; false when one is already attached ("bug already attached").</summary>
    public bool StartStream(AudioStreamAttachment attachment)
    {
        if (Stream is not null)
        {
            return false;
        }

        Stream = attachment;
        return true;
    }

    /// <summary>Removes the bug (<c>stop</c>); false when none is attached.</summary>
    public bool StopStream()
    {
        if (Stream is null)
        {
            return false;
        }

        Stream = null;
        return true;
    }

    /// <summary>Whether media flows (answered or early).</summary>
    public bool Up { get; private set; }

    /// <summary>The bridged partner whose audio this channel hears.</summary>
    public SandboxChannel? BridgedTo { get; private set; }

    /// <summary>True while <c>uuid_hold</c> stops reading; after unhold the first frames read are silence.</summary>
    public bool ReadSuspended { get; private set; }

    /// <summary>Silent frames still to be read after an unhold (measured: about 13).</summary>
    public int SilentFramesAfterUnhold { get; private set; }

    /// <summary>Incremented on every conference membership or flag change, for the mixer to resync.</summary>
    public int ConferenceVersion { get; private set; }

    public void OnAnswered() => Up = true;

    public void OnHangup()
    {
        foreach (var recording in _recordings.ToArray())
        {
            StopRecording(recording);
        }

        Stream = null;
        Echoing = false;
    }

    public void OnBridged(SandboxChannel partner) => BridgedTo = partner;

    public void OnUnbridged() => BridgedTo = null;

    /// <summary>Hold: no frames are read (the stream gets nothing); unhold resumes with about 13 silent frames.</summary>
    public void OnHold(bool held)
    {
        ReadSuspended = held;
        SilentFramesAfterUnhold = held ? 0 : 13;
    }

    public void OnConferenceChanged() => ConferenceVersion++;

    private static void WriteSilentWav(string path, double seconds)
    {
        const int rate = 8000;
        var samples = (int)(seconds * rate);
        try
        {
            using var stream = File.Create(path);
            using var writer = new BinaryWriter(stream);
            writer.Write("RIFF"u8);
            writer.Write(36 + samples * 2);
            writer.Write("WAVE"u8);
            writer.Write("fmt "u8);
            writer.Write(16);
            writer.Write((short)1);
            writer.Write((short)1);
            writer.Write(rate);
            writer.Write(rate * 2);
            writer.Write((short)2);
            writer.Write((short)16);
            writer.Write("data"u8);
            writer.Write(samples * 2);
            writer.Write(new byte[samples * 2]);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A recording in progress on a channel.</summary>
internal sealed class RecordingState(string path, DateTimeOffset started, int limitSeconds)
{
    public string Path { get; } = path;

    public DateTimeOffset Started { get; } = started;

    public int LimitSeconds { get; } = limitSeconds;

    public bool Masked { get; set; }

    public bool Paused { get; set; }
}

/// <summary>The mod_audio_stream bug attached to a channel (the stream itself is run by the media engine).</summary>
internal sealed class AudioStreamAttachment(string url, string mix, int sampleRate, string? metadata)
{
    public string Url { get; } = url;

    public string Mix { get; } = mix;

    public int SampleRate { get; } = sampleRate;

    public string? Metadata { get; } = metadata;

    public bool Paused { get; set; }
}
