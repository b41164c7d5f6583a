namespace Switchboard.Sandbox.Media;

/// <summary>
/// The media side of one sandbox channel (8 kHz L16 mono, 20 ms frames). Each tick it reads what the
/// party says (<see cref="Source"/>, or silence), computes what the party hears (in priority order: the
/// <see cref="Playback"/> queue, the conference mix minus itself, the bridged partner's read frame — or
/// music on hold while that partner is held — else silence), then feeds its media bugs (the
/// <see cref="AudioStream"/>, recorders). Registers itself with the clock; <see cref="DisposeAsync"/>
/// is the hangup. Every member is thread-safe; the per-tick work runs on the clock thread.
/// </summary>
public sealed class MediaChannel : IMediaParticipant, IAsyncDisposable
{
    /// <summary>Silent read frames after <c>uuid_hold off</c> (measured ~13 frames, 260 ms; Q6).</summary>
    public const int UnholdSilenceFrames = 13;

    private readonly MediaClock _clock;
    private readonly Lock _gate = new();
    private readonly short[] _read = new short[MediaFormat.FrameSamples];
    private readonly short[] _write = new short[MediaFormat.FrameSamples];
    private readonly MusicOnHoldSource _holdMusic = new();
    private IMediaBug[] _bugs = [];
    private IAudioSource? _source;
    private long _readTick = -1;
    private bool _held;
    private int _silentReadFrames;
    private int _markerFrames;
    private MediaChannel? _partner;
    private ConferenceMember? _member;
    private AudioStreamSession? _audioStream;
    private int _disposed;

    /// <summary>Creates the channel's media and registers it with <paramref name="clock"/>.</summary>
    public MediaChannel(string uuid, MediaClock clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(uuid);
        ArgumentNullException.ThrowIfNull(clock);
        Uuid = uuid;
        _clock = clock;
        Playback = new PlaybackQueue();
        Playback.Notified += OnPlaybackNotified;
        clock.Register(this);
    }

    /// <summary>The channel UUID.</summary>
    public string Uuid { get; }

    /// <summary>The clock driving this channel.</summary>
    public MediaClock Clock => _clock;

    /// <summary>The playback applications queued on this channel (sendmsg playback, uuid_broadcast, uuid_break).</summary>
    public PlaybackQueue Playback { get; }

    /// <summary>
    /// What the party says (a WAV script, a tone, a <see cref="LiveAudioSource"/>), or null for silence.
    /// The channel owns it: replacing or hanging up disposes the previous source. When it ends the party is silent.
    /// </summary>
    public IAudioSource? Source
    {
        get
        {
            lock (_gate)
            {
                return _source;
            }
        }

        set
        {
            lock (_gate)
            {
                if (!ReferenceEquals(_source, value))
                {
                    _source?.Dispose();
                    _source = value;
                }
            }
        }
    }

    /// <summary>
    /// <c>uuid_hold</c> state (Q6). While held the channel reads nothing: media bugs get no frames at all
    /// (0 frames to the audio stream), the party hears silence and a bridged partner hears music on hold.
    /// Clearing it makes the first <see cref="UnholdSilenceFrames"/> read frames silent.
    /// </summary>
    public bool IsHeld
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }

        set
        {
            lock (_gate)
            {
                if (_held && !value)
                {
                    _silentReadFrames = Math.Max(_silentReadFrames, UnholdSilenceFrames);
                }

                _held = value;
            }
        }
    }

    /// <summary>The bridged partner, or null.</summary>
    public MediaChannel? BridgedTo => Volatile.Read(ref _partner);

    /// <summary>This channel's conference membership, or null.</summary>
    public ConferenceMember? ConferenceMember => Volatile.Read(ref _member);

    /// <summary>The attached <c>mod_audio_stream</c> session, or null (one per channel: a second start fails).</summary>
    public AudioStreamSession? AudioStream => Volatile.Read(ref _audioStream);

    /// <summary>Media bugs attached (recorders, taps; the audio stream is one of them while attached).</summary>
    public IReadOnlyList<IMediaBug> MediaBugs => Volatile.Read(ref _bugs);

    /// <summary>Whether the channel has been hung up.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Bridges two channels: each hears the other's read frames. Any previous bridge of either is dropped.</summary>
    public static void Bridge(MediaChannel a, MediaChannel b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException("A channel cannot be bridged to itself.", nameof(b));
        }

        a.Unbridge();
        b.Unbridge();
        Volatile.Write(ref a._partner, b);
        Volatile.Write(ref b._partner, a);
    }

    /// <summary>Ends this channel's bridge (both sides).</summary>
    public void Unbridge()
    {
        MediaChannel? partner = Interlocked.Exchange(ref _partner, null);
        if (partner is not null)
        {
            Interlocked.CompareExchange(ref partner._partner, null, this);
        }
    }

    /// <summary>
    /// Replaces the next <paramref name="frames"/> read frames with silence (the 2 silent frames measured
    /// at a transfer into or out of a conference, Q5).
    /// </summary>
    public void InsertReadSilence(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        lock (_gate)
        {
            _silentReadFrames = Math.Max(_silentReadFrames, frames);
        }
    }

    /// <summary>Attaches a media bug (a recorder, a tap). It gets frames from the next tick.</summary>
    public void AttachBug(IMediaBug bug)
    {
        ArgumentNullException.ThrowIfNull(bug);
        lock (_gate)
        {
            _bugs = [.. _bugs, bug];
        }
    }

    /// <summary>Detaches a media bug; false if it was not attached.</summary>
    public bool DetachBug(IMediaBug bug)
    {
        lock (_gate)
        {
            int index = Array.IndexOf(_bugs, bug);
            if (index < 0)
            {
                return false;
            }

            _bugs = [.. _bugs.AsSpan(0, index), .. _bugs.AsSpan(index + 1)];
            return true;
        }
    }

    /// <summary>The read frame of <paramref name="tick"/>, if the channel read one (not held, registered).</summary>
    internal bool TryGetReadFrame(long tick, out ReadOnlySpan<short> frame)
    {
        // Only called on the clock thread during the write phase, after every read phase of the tick.
        if (Volatile.Read(ref _readTick) == tick)
        {
            frame = _read;
            return true;
        }

        frame = default;
        return false;
    }

    internal bool TryAttachAudioStream(AudioStreamSession session)
    {
        lock (_gate)
        {
            if (_audioStream is not null || IsDisposed)
            {
                return false;
            }

            _audioStream = session;
            _bugs = [.. _bugs, session];
            return true;
        }
    }

    internal void DetachAudioStream(AudioStreamSession session)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_audioStream, session))
            {
                _audioStream = null;
            }
        }

        DetachBug(session);
    }

    internal void SetConferenceMember(ConferenceMember? member) => Volatile.Write(ref _member, member);

    void IMediaParticipant.ReadFrame(long tick)
    {
        lock (_gate)
        {
            // The party keeps talking in real time whatever happens to the channel, so the source always advances.
            int read = _source?.Read(_read) ?? 0;
            _read.AsSpan(read).Clear();
            if (_held)
            {
                return;
            }

            if (_silentReadFrames > 0)
            {
                _silentReadFrames--;
                Array.Clear(_read);
            }

            if (_markerFrames > 0)
            {
                // Q1: a frame of -1 samples replaces one caller frame at playback start and end.
                _markerFrames--;
                _read.AsSpan().Fill(-1);
            }

            Volatile.Write(ref _readTick, tick);
        }
    }

    void IMediaParticipant.WriteFrame(long tick)
    {
        Span<short> write = _write;
        bool played = Playback.Write(tick, write);
        if (!played)
        {
            ConferenceMember? member = Volatile.Read(ref _member);
            MediaChannel? partner = Volatile.Read(ref _partner);
            if (member is not null)
            {
                member.Mixer.MixFor(member, tick, write);
            }
            else if (partner is not null)
            {
                if (partner.IsHeld)
                {
                    _holdMusic.Read(write);
                }
                else if (partner.TryGetReadFrame(tick, out ReadOnlySpan<short> heard))
                {
                    heard.CopyTo(write);
                }
                else
                {
                    write.Clear();
                }
            }
            else
            {
                write.Clear();
            }
        }

        if (IsHeld)
        {
            write.Clear();
        }

        Playback.DispatchNotifications();
    }

    void IMediaParticipant.FeedMediaBugs(long tick)
    {
        if (Volatile.Read(ref _readTick) != tick)
        {
            return;
        }

        IMediaBug[] bugs = Volatile.Read(ref _bugs);
        for (int i = 0; i < bugs.Length; i++)
        {
            bugs[i].OnFrame(tick, _read, _write);
        }
    }

    private void OnPlaybackNotified(PlaybackNotification notification)
    {
        if (notification.Kind is PlaybackNotificationKind.Started or PlaybackNotificationKind.Stopped)
        {
            lock (_gate)
            {
                _markerFrames = 1;
            }
        }
    }

    /// <summary>
    /// Hangs up the media: leaves the clock, the bridge and the conference, drops queued playback, closes
    /// the audio stream without a final text and without a disconnect event (its files are deleted), and
    /// finalises every recorder.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _clock.Unregister(this);
        Unbridge();
        ConferenceMember? member = Volatile.Read(ref _member);
        member?.Mixer.Leave(member);
        Playback.Dispose();
        AudioStreamSession? stream = AudioStream;
        if (stream is not null)
        {
            await stream.DisposeAsync();
        }

        IMediaBug[] bugs;
        lock (_gate)
        {
            bugs = _bugs;
            _bugs = [];
            _source?.Dispose();
            _source = null;
        }

        foreach (IMediaBug bug in bugs)
        {
            if (bug is CallRecorder recorder)
            {
                recorder.Stop();
            }
        }
    }

    public override string ToString() => $"MediaChannel {Uuid}";
}
