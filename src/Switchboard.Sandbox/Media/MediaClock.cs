using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// The one 20 ms media driver of the sandbox PBX: a single <see cref="PeriodicTimer"/> on the injected
/// <see cref="TimeProvider"/> ticks every registered participant (hundreds of calls share one timer).
/// Ticks are counted from elapsed time, so a late wake-up runs the missed ticks at once (at most
/// <see cref="MaxCatchUpTicks"/>; beyond that ticks are skipped and counted), keeping 50 frames/s on average.
/// The timer's continuations run on the thread pool: a host that starves its pool delays the media.
/// A tick allocates nothing.
/// </summary>
public sealed class MediaClock : IAsyncDisposable
{
    /// <summary>
    /// Most ticks run back to back after a late wake-up (500 ms). Like RTP that queues up in a socket while a
    /// busy host is not scheduled, late frames arrive in a burst rather than getting lost; only a longer stall
    /// drops audio.
    /// </summary>
    public const int MaxCatchUpTicks = 25;

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<IMediaParticipant> _participants = [];
    private readonly Lock _tickGate = new();
    private IMediaParticipant[] _snapshot = new IMediaParticipant[16];
    private int _snapshotCount;
    private int _version;
    private int _snapshotVersion = -1;
    private long _tick;
    private DateTimeOffset? _origin;

    // The media time of the running tick and the thread running it: events fired from a tick carry it, so a
    // burst of catch-up ticks on a loaded machine still shows the 20 ms spacing FreeSWITCH's media thread would.
    private DateTimeOffset _tickTime;
    private int _tickThread;

    /// <summary>The media time of the tick being run, when the caller is inside it (a callback of a tick).</summary>
    public bool TryGetTickTime(out DateTimeOffset time)
    {
        time = _tickTime;
        return Volatile.Read(ref _tickThread) == Environment.CurrentManagedThreadId;
    }
    private long _skippedTicks;
    private long _tickTicksTotal;
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    // Held by the clock, not only by its own pending wait: a timer on a custom TimeProvider that nothing else
    // references could be collected with the loop waiting on it.
    private PeriodicTimer? _timer;

    public MediaClock(TimeProvider timeProvider, ILogger<MediaClock>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The clock's time source (also used for timeouts by the media objects).</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Ticks run so far (the number of the last tick).</summary>
    public long TickCount => Interlocked.Read(ref _tick);

    /// <summary>Ticks skipped because the loop fell more than <see cref="MaxCatchUpTicks"/> behind.</summary>
    public long SkippedTicks => Interlocked.Read(ref _skippedTicks);

    /// <summary>Wall time spent inside ticks so far (for cost measurements).</summary>
    public TimeSpan BusyTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _tickTicksTotal) / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>Registered participants.</summary>
    public int ParticipantCount
    {
        get
        {
            lock (_gate)
            {
                return _participants.Count;
            }
        }
    }

    /// <summary>Adds a participant; it takes part from the next tick. Thread-safe.</summary>
    public void Register(IMediaParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        lock (_gate)
        {
            if (!_participants.Contains(participant))
            {
                _participants.Add(participant);
                _version++;
            }
        }
    }

    /// <summary>Removes a participant (it may still see the tick in progress). Thread-safe.</summary>
    public bool Unregister(IMediaParticipant participant)
    {
        lock (_gate)
        {
            bool removed = _participants.Remove(participant);
            if (removed)
            {
                _version++;
            }

            return removed;
        }
    }

    /// <summary>Starts the timer loop. Stop it with <see cref="DisposeAsync"/>.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException("The media clock is already running.");
            }

            _stopping = new CancellationTokenSource();

            // The timer and the time origin exist before Start returns, so time that passes after it counts.
            _timer = new PeriodicTimer(MediaFormat.FrameDuration, _timeProvider);
            _origin = _timeProvider.GetUtcNow() - (MediaFormat.FrameDuration * _tick);
            _loop = RunAsync(_timer, _timeProvider.GetTimestamp(), _stopping.Token);
        }
    }

    /// <summary>
    /// Runs one tick now, synchronously: read, write, then media-bug phases over every participant.
    /// The timer loop calls this; tests and hosts that drive time themselves may call it instead of
    /// <see cref="Start"/>. Serialised: concurrent callers run one after the other.
    /// </summary>
    public void Tick()
    {
        lock (_tickGate)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            RefreshSnapshot();
            long tick = _tick + 1;
            _tickTime = _origin is { } origin ? origin + (MediaFormat.FrameDuration * tick) : _timeProvider.GetUtcNow();
            Volatile.Write(ref _tickThread, Environment.CurrentManagedThreadId);
            IMediaParticipant[] participants = _snapshot;
            int count = _snapshotCount;
            for (int i = 0; i < count; i++)
            {
                try
                {
                    participants[i].ReadFrame(tick);
                }
                catch (Exception exception)
                {
                    Log.ParticipantFailed(_logger, participants[i].ToString() ?? "?", tick, exception);
                }
            }

            for (int i = 0; i < count; i++)
            {
                try
                {
                    participants[i].WriteFrame(tick);
                }
                catch (Exception exception)
                {
                    Log.ParticipantFailed(_logger, participants[i].ToString() ?? "?", tick, exception);
                }
            }

            for (int i = 0; i < count; i++)
            {
                try
                {
                    participants[i].FeedMediaBugs(tick);
                }
                catch (Exception exception)
                {
                    Log.ParticipantFailed(_logger, participants[i].ToString() ?? "?", tick, exception);
                }
            }

            Volatile.Write(ref _tickThread, 0);
            Interlocked.Exchange(ref _tick, tick);
            Interlocked.Add(ref _tickTicksTotal, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    private void RefreshSnapshot()
    {
        lock (_gate)
        {
            if (_snapshotVersion == _version)
            {
                return;
            }

            if (_snapshot.Length < _participants.Count)
            {
                _snapshot = new IMediaParticipant[Math.Max(_participants.Count, _snapshot.Length * 2)];
            }

            _participants.CopyTo(_snapshot);
            Array.Clear(_snapshot, _participants.Count, _snapshot.Length - _participants.Count);
            _snapshotCount = _participants.Count;
            _snapshotVersion = _version;
        }
    }

    private async Task RunAsync(PeriodicTimer timer, long origin, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            long done = 0;
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                long due = _timeProvider.GetElapsedTime(origin).Ticks / MediaFormat.FrameDuration.Ticks;
                long behind = due - done;
                if (behind > MaxCatchUpTicks)
                {
                    long skipped = behind - MaxCatchUpTicks;
                    Interlocked.Add(ref _skippedTicks, skipped);
                    Log.TicksSkipped(_logger, behind, skipped);
                    done += skipped;
                }

                while (done < due && !cancellationToken.IsCancellationRequested)
                {
                    Tick();
                    done++;
                }

                // A periodic timer re-arms from its own (late) wake-up, so its lateness accumulates until a wake-up
                // runs two ticks at once: a 0→20 ms sawtooth on every frame. Aim each wait at the next tick's due
                // time instead (whole milliseconds, rounded up: the timer's resolution), as FreeSWITCH's timer does.
                long untilNext = ((done + 1) * MediaFormat.FrameDuration.Ticks) - _timeProvider.GetElapsedTime(origin).Ticks;
                long wholeMilliseconds = Math.Max(1, (untilNext + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
                timer.Period = TimeSpan.FromMilliseconds(wholeMilliseconds);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Log.ClockFailed(_logger, exception);
            throw;
        }
    }

    /// <summary>Stops the timer loop and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        CancellationTokenSource? stopping;
        PeriodicTimer? timer;
        lock (_gate)
        {
            loop = _loop;
            stopping = _stopping;
            timer = _timer;
            _loop = null;
            _stopping = null;
            _timer = null;
        }

        if (stopping is null || loop is null)
        {
            return;
        }

        await stopping.CancelAsync();
        try
        {
            await loop;
        }
        finally
        {
            stopping.Dispose();
            timer?.Dispose();
        }
    }
}
