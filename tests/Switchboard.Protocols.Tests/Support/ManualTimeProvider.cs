namespace Switchboard.Protocols.Tests.Support;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/>. Timers
/// fire synchronously inside <see cref="Advance"/>, in due-time order, each at its exact due time
/// (a periodic timer crossed several times in one advance fires once per period).
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly DateTimeOffset _start;
    private TimeSpan _elapsed;
    private long _nextTimerOrder;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => _start = start;

    /// <summary>Time elapsed since construction.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return _elapsed;
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _start + Elapsed;

    public override long GetTimestamp() => Elapsed.Ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        TimeSpan target;
        lock (_lock)
        {
            target = _elapsed + delta;
        }

        while (true)
        {
            ManualTimer? due = null;
            lock (_lock)
            {
                foreach (ManualTimer timer in _timers)
                {
                    if (timer.DueAt is { } at && at <= target &&
                        (due is null || at < due.DueAt || (at == due.DueAt && timer.Order < due.Order)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    _elapsed = target;
                    return;
                }

                _elapsed = due.DueAt!.Value;
                due.DueAt = due.Period > TimeSpan.Zero ? _elapsed + due.Period : null;
            }

            due.Callback(due.State); // outside the lock: callbacks may create or change timers
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public long Order { get; } = Interlocked.Increment(ref owner._nextTimerOrder);

        public TimeSpan? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._elapsed + dueTime;
                return true;
            }
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
