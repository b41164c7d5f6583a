using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox;

/// <summary>
/// The call logic's handle on one channel's media (a <see cref="MediaChannel"/> of the media engine): the far end's
/// voice, playback, bridges, hold, echo on loopback legs, recordings and the mod_audio_stream session. Methods named
/// <c>On…</c> are notifications from the call logic and run under the switch lock.
/// </summary>
internal sealed class ChannelMedia : IAsyncDisposable
{
    public static readonly TimeSpan Frame = MediaFormat.FrameDuration;

    private readonly SandboxChannel _channel;
    private readonly SwitchCore _core;
    private readonly MediaChannel _media;
    private readonly List<RecordingState> _recordings = [];
    private WriteTap? _writeTap;
    private CallerAudio _farEndVoice = CallerAudio.Silence;

    public ChannelMedia(SandboxChannel channel, SwitchCore core)
    {
        _channel = channel;
        _core = core;
        _media = new MediaChannel(channel.Uuid, core.MediaClock);
        _media.Playback.Notified += OnPlaybackNotified;
    }

    /// <summary>The media engine's channel.</summary>
    public MediaChannel Channel => _media;

    /// <summary>What the far end (phone, caller, simulated human) sends into this channel.</summary>
    public CallerAudio FarEndVoice
    {
        get => _farEndVoice;
        set
        {
            _farEndVoice = value;
            _media.Source = CreateSource(value);
        }
    }

    /// <summary>The attached mod_audio_stream session, if any.</summary>
    public AudioStreamSession? Stream => _media.AudioStream;

    public bool Echoing { get; private set; }

    public IReadOnlyList<RecordingState> Recordings => _recordings;

    /// <summary>Whether playback is queued or playing.</summary>
    public bool PlaybackBusy => _media.Playback.IsPlaying || _media.Playback.QueuedCount > 0;

    /// <summary>
    /// Queues a playback: a sendmsg execute starts on the next tick, a broadcast after its lead frames. False when the
    /// media is already hung up.
    /// </summary>
    public bool Enqueue(string path, bool broadcast, string applicationUuid) =>
        _media.Playback.Enqueue(path, broadcast ? PlaybackOrigin.Broadcast : PlaybackOrigin.SendMessage, applicationUuid);

    public void BreakPlayback(bool all) => _media.Playback.Break(all);

    /// <summary>Waits for <paramref name="frames"/> media frames (lead frames of a queued execute).</summary>
    public Task WaitFramesAsync(int frames, CancellationToken cancellationToken) =>
        Task.Delay(Frame * frames, _core.Time, cancellationToken);

    /// <summary>
    /// Joins two loopback legs: each reads what the other writes (one frame later), as mod_loopback passes frames.
    /// </summary>
    public void ConnectLoopback(ChannelMedia peer)
    {
        _writeTap ??= AttachWriteTap();
        peer._writeTap ??= peer.AttachWriteTap();
        _media.Source = new TapSource(peer._writeTap);
        peer._media.Source = new TapSource(_writeTap);
    }

    /// <summary><c>echo</c>: the far end hears itself. Carried by the loopback peer (what it reads becomes what it wrote).</summary>
    public void StartEcho()
    {
        Echoing = true;
        if (_channel.LoopbackPeer?.Media is { } peer)
        {
            peer._writeTap ??= peer.AttachWriteTap();
            peer._media.Source = new TapSource(peer._writeTap);
        }
    }

    public void StopEcho()
    {
        Echoing = false;
        if (_channel.LoopbackPeer?.Media is { } peer && _writeTap is not null)
        {
            peer._media.Source = new TapSource(_writeTap);
        }
    }

    public RecordingState? FindRecording(string path) =>
        _recordings.FirstOrDefault(r => string.Equals(r.Path, path, StringComparison.Ordinal));

    /// <summary>Starts a recording of this channel (<c>uuid_record start</c>, <c>record_session</c>); null when the file cannot be created.</summary>
    public RecordingState? StartRecording(string path, int limitSeconds, bool stereo)
    {
        CallRecorder recorder;
        try
        {
            recorder = new CallRecorder(path, stereo, limitSeconds > 0 ? TimeSpan.FromSeconds(limitSeconds) : null,
                _core.LoggerFactory.CreateLogger("Switchboard.Sandbox.Media"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }

        var recording = new RecordingState(path, recorder);
        recorder.LimitReached += _ =>
        {
            lock (_core.Sync)
            {
                if (_recordings.Contains(recording))
                {
                    Api.RecordCommand.Finish(_channel, recording, "success");
                }
            }
        };
        _recordings.Add(recording);
        _media.AttachBug(recorder);
        return recording;
    }

    /// <summary>Stops a recording and finalises its file.</summary>
    public void StopRecording(RecordingState recording)
    {
        _recordings.Remove(recording);
        _media.DetachBug(recording.Recorder);
        recording.Recorder.Stop();
    }

    /// <summary>Attaches a tap to this channel's audio (tests, the browser listener).</summary>
    public void AttachBug(IMediaBug bug) => _media.AttachBug(bug);

    public bool DetachBug(IMediaBug bug) => _media.DetachBug(bug);

    public void OnBridged(SandboxChannel partner) => MediaChannel.Bridge(_media, partner.Media._media);

    public void OnUnbridged() => _media.Unbridge();

    /// <summary>Hold: no frames are read (the stream gets nothing); unhold resumes with about 13 silent frames.</summary>
    public void OnHold(bool held) => _media.IsHeld = held;

    /// <summary>A conference join or leave: two silent frames at the transition (measured).</summary>
    public void OnConferenceTransition() => _media.InsertReadSilence(2);

    /// <summary>The channel is ending: recordings are finalised here so RECORD_STOP precedes HANGUP_COMPLETE.</summary>
    public void OnHangup()
    {
        foreach (var recording in _recordings.ToArray())
        {
            Api.RecordCommand.Finish(_channel, recording, "success");
        }

        _media.Playback.Clear();
    }

    /// <summary>Hangs up the media: leaves the clock, closes the audio stream (deleting its files), stops recorders.</summary>
    public ValueTask DisposeAsync() => _media.DisposeAsync();

    private void OnPlaybackNotified(PlaybackNotification notification)
    {
        lock (_core.Sync)
        {
            _channel.OnPlaybackNotification(notification);
        }
    }

    private WriteTap AttachWriteTap()
    {
        var tap = new WriteTap();
        _media.AttachBug(tap);
        return tap;
    }

    private static IAudioSource? CreateSource(CallerAudio audio) => audio switch
    {
        CallerAudio.ToneAudio tone => new ToneSource(tone.FrequencyHz, tone.Amplitude),
        CallerAudio.WavFileAudio wav => WavFileSource.Open(wav.Path, wav.Loop),
        CallerAudio.LiveAudio live => live.Source,
        _ => null,
    };

    /// <summary>Keeps the last frame a channel wrote (what its far end hears), for the loopback peer to read.</summary>
    private sealed class WriteTap : IMediaBug
    {
        private readonly Lock _gate = new();
        private readonly short[] _frame = new short[MediaFormat.FrameSamples];
        private bool _fresh;

        public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
        {
            lock (_gate)
            {
                write.CopyTo(_frame);
                _fresh = true;
            }
        }

        public int ReadInto(Span<short> destination)
        {
            lock (_gate)
            {
                if (_fresh)
                {
                    _frame.AsSpan(0, Math.Min(_frame.Length, destination.Length)).CopyTo(destination);
                    _fresh = false;
                }
                else
                {
                    destination.Clear();
                }

                return destination.Length;
            }
        }
    }

    /// <summary>Reads a loopback peer's written frames as this leg's voice.</summary>
    private sealed class TapSource(WriteTap tap) : IAudioSource
    {
        public int Read(Span<short> destination) => tap.ReadInto(destination);

        public void Dispose()
        {
        }
    }
}

/// <summary>A recording in progress on a channel.</summary>
internal sealed class RecordingState(string path, CallRecorder recorder)
{
    public string Path { get; } = path;

    public CallRecorder Recorder { get; } = recorder;

    public bool Masked { get; set; }

    public bool Paused { get; set; }
}
