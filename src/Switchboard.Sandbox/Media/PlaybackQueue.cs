namespace Switchboard.Sandbox.Media;

/// <summary>
/// The playback applications queued on one channel (what the party hears while it is not bridged or in a
/// conference), with the timing measured on FreeSWITCH 1.10 (freeswitch-verified.md Q1/Q2), in ticks of
/// the media clock:
/// <list type="bullet">
/// <item>sendmsg playback queued while idle: <see cref="PlaybackNotificationKind.Started"/> on the next tick
/// (that frame is silent), first audio the tick after: 20–40 ms after the command.</item>
/// <item>Consecutive sendmsg files: the stop of one and the start of the next happen on the same tick, which is
/// one silent frame: a 20 ms seam.</item>
/// <item>Broadcast files wait <see cref="BroadcastLeadFrames"/> extra ticks when they reach the head of the
/// queue: 120–140 ms to first audio, 120 ms gaps (100 ms from stop to start).</item>
/// <item><see cref="Break"/>: the frame already in flight still plays on the next tick, which also stops the
/// file (<c>break</c>); silence from the tick after (20–40 ms). With <c>all</c> the queue is flushed at once
/// (flushed items raise nothing: they never executed). Without it the next queued file starts
/// <see cref="BreakRestartFrames"/> ticks after the stop: first audio about 180–200 ms after the command.</item>
/// </list>
/// Files are opened when they start, so a file deleted while queued fails to open
/// (<see cref="PlaybackNotificationKind.Failed"/>), while a file already playing keeps playing.
/// </summary>
public sealed class PlaybackQueue : IDisposable
{
    /// <summary>The <c>lead-frames: 5</c> that <c>uuid_broadcast</c> adds to its execute.</summary>
    public const int BroadcastLeadFrames = 5;

    /// <summary>Ticks from a <c>uuid_break</c> (without <c>all</c>) stop to the next file's start (measured 184 ms to audio).</summary>
    public const int BreakRestartFrames = 8;

    private const string FileNotFound = "FILE NOT FOUND";

    private readonly Lock _gate = new();
    private readonly Queue<Item> _queue = new();
    private readonly List<PlaybackNotification> _pending = [];
    private readonly List<PlaybackNotification> _dispatching = [];
    private readonly Func<string, (IAudioSource? Source, string? Error)> _open;
    private Item? _current;
    private IAudioSource? _currentSource;
    private bool _breakPending;
    private bool _breakAll;
    private long _restartTick = long.MinValue;
    private bool _disposed;

    /// <summary>Creates a queue that opens paths with <see cref="PlaybackSources.TryOpen"/>.</summary>
    public PlaybackQueue()
        : this(static path => PlaybackSources.TryOpen(path, out IAudioSource? source, out string? error) ? (source, null) : (null, error))
    {
    }

    /// <summary>Creates a queue with a custom opener (returns the source, or null and the reason).</summary>
    public PlaybackQueue(Func<string, (IAudioSource? Source, string? Error)> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        _open = open;
    }

    /// <summary>Playback transitions, raised on the media clock thread (see <see cref="PlaybackNotification"/>).</summary>
    public event Action<PlaybackNotification>? Notified;

    /// <summary>The path now playing, or null.</summary>
    public string? CurrentPath
    {
        get
        {
            lock (_gate)
            {
                return _current?.Path;
            }
        }
    }

    /// <summary>Whether a file is playing.</summary>
    public bool IsPlaying
    {
        get
        {
            lock (_gate)
            {
                return _current is not null;
            }
        }
    }

    /// <summary>Files waiting behind the current one.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Queues a playback (<c>sendmsg execute playback</c> or <c>uuid_broadcast</c>). Thread-safe. False when the
    /// channel has been hung up meanwhile (nothing is queued).
    /// </summary>
    public bool Enqueue(string path, PlaybackOrigin origin, string? applicationUuid = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _queue.Enqueue(new Item(path, origin, applicationUuid, origin == PlaybackOrigin.Broadcast ? BroadcastLeadFrames : 0));
            return true;
        }
    }

    /// <summary><c>uuid_break</c> (<paramref name="all"/> = <c>uuid_break &lt;uuid&gt; all</c>). Thread-safe.</summary>
    public void Break(bool all)
    {
        lock (_gate)
        {
            if (all)
            {
                _queue.Clear();
            }

            if (_current is not null)
            {
                _breakPending = true;
                _breakAll |= all;
            }
        }
    }

    /// <summary>Drops everything without notifications (hangup).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _queue.Clear();
            _currentSource?.Dispose();
            _currentSource = null;
            _current = null;
            _breakPending = false;
        }
    }

    /// <summary>
    /// Produces this tick's frame. Returns true when a playback owns the channel's output this tick (audio,
    /// or the silent start/seam frame); false when idle, so the caller falls back to bridge/conference/silence.
    /// Call <see cref="DispatchNotifications"/> afterwards, outside any lock.
    /// </summary>
    public bool Write(long tick, Span<short> frame)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            bool stoppedThisTick = false;
            if (_current is not null)
            {
                int read = _currentSource!.Read(frame);
                if (read > 0)
                {
                    frame[read..].Clear();
                    if (_breakPending)
                    {
                        // The frame in flight still plays; the file stops now and silence follows.
                        Stop("break");
                        if (!_breakAll)
                        {
                            _restartTick = tick + BreakRestartFrames;
                        }

                        _breakPending = false;
                        _breakAll = false;
                    }

                    return true;
                }

                Stop(_breakPending ? "break" : "done");
                _breakPending = false;
                _breakAll = false;
                stoppedThisTick = true;
            }

            if (_queue.TryPeek(out Item? head))
            {
                head.StartTick ??= Math.Max(tick + head.LeadFrames, _restartTick);
                if (tick >= head.StartTick)
                {
                    _queue.Dequeue();
                    (IAudioSource? source, string? error) = _open(head.Path);
                    if (source is null)
                    {
                        _pending.Add(new PlaybackNotification(PlaybackNotificationKind.Failed, head.Path, head.Origin, head.ApplicationUuid, null, FileNotFound, error));
                    }
                    else
                    {
                        _current = head;
                        _currentSource = source;
                        _pending.Add(new PlaybackNotification(PlaybackNotificationKind.Started, head.Path, head.Origin, head.ApplicationUuid, null));
                    }

                    frame.Clear();
                    return true;
                }
            }

            if (stoppedThisTick)
            {
                frame.Clear();
                return true;
            }

            return false;
        }
    }

    /// <summary>Raises the notifications collected by <see cref="Write"/>. Allocation-free when there are none.</summary>
    public void DispatchNotifications()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            _dispatching.AddRange(_pending);
            _pending.Clear();
        }

        try
        {
            foreach (PlaybackNotification notification in _dispatching)
            {
                Notified?.Invoke(notification);
            }
        }
        finally
        {
            _dispatching.Clear();
        }
    }

    private void Stop(string status)
    {
        Item item = _current!;
        _currentSource!.Dispose();
        _currentSource = null;
        _current = null;
        _pending.Add(new PlaybackNotification(PlaybackNotificationKind.Stopped, item.Path, item.Origin, item.ApplicationUuid, status));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Clear();
            _pending.Clear();
            _disposed = true;
        }
    }

    private sealed class Item(string path, PlaybackOrigin origin, string? applicationUuid, int leadFrames)
    {
        public string Path { get; } = path;

        public PlaybackOrigin Origin { get; } = origin;

        public string? ApplicationUuid { get; } = applicationUuid;

        public int LeadFrames { get; } = leadFrames;

        public long? StartTick { get; set; }
    }
}
