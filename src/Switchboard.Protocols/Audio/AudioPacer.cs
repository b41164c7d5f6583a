using System.Runtime.CompilerServices;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// Paces outbound audio at a fixed period (20 ms per frame) from an injected <see cref="TimeProvider"/>:
/// tick k is due at start + k × period, and every due tick is handed out.
/// </summary>
/// <remarks>
/// Ticks are counted from elapsed time, not from timer wake-ups: a consumer that wakes late (a busy thread pool,
/// a slow send) gets every tick it missed at once and so sends all the frames that are due, keeping 50 frames/s on
/// average instead of losing the missed ones. The schedule sits on a fixed grid, so it does not drift by the time the
/// consumer spends per frame. A stall longer than the catch-up limit (500 ms by default, as the sandbox media clock)
/// skips the oldest missed ticks (counted in <see cref="SkippedTicks"/>) so that it does not turn into lasting latency.
/// A <see cref="PeriodicTimer"/> (held by the pacer) only wakes the consumer; a wake-up
/// less than <see cref="WakeTolerance"/> before a tick's time counts as that tick, because system timers may fire
/// a little early against the high-resolution clock. Waiting allocates nothing in steady state.
/// </remarks>
public sealed class AudioPacer : IDisposable
{
    private readonly PeriodicTimer _timer;
    private readonly TimeProvider _timeProvider;
    private readonly long _origin;
    private readonly long _periodTicks;
    private readonly long _toleranceTicks;
    private readonly long _maxCatchUpTicks;
    private long _ticks;
    private long _skipped;
    private volatile bool _disposed;

    /// <param name="period">The tick period.</param>
    /// <param name="timeProvider">The time source.</param>
    /// <param name="maxCatchUp">Most missed time handed out as immediate ticks after a stall; older ticks are skipped. Default 500 ms.</param>
    public AudioPacer(TimeSpan period, TimeProvider timeProvider, TimeSpan? maxCatchUp = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        TimeSpan limit = maxCatchUp ?? DefaultMaxCatchUp;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, period, nameof(maxCatchUp));
        _maxCatchUpTicks = limit.Ticks / period.Ticks;
        _timeProvider = timeProvider;
        _periodTicks = period.Ticks;
        _toleranceTicks = Math.Min(period.Ticks / 10, WakeTolerance.Ticks);
        // The origin is taken first, so a timer wake-up is never before the grid point it stands for.
        _origin = timeProvider.GetTimestamp();
        _timer = new PeriodicTimer(period, timeProvider);
    }

    /// <summary>How early (at most a tenth of the period) a timer wake-up may come and still count as the tick it is for.</summary>
    public static TimeSpan WakeTolerance { get; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Default catch-up limit: 500 ms (25 frames of 20 ms).</summary>
    public static TimeSpan DefaultMaxCatchUp { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Ticks skipped because a stall went beyond the catch-up limit.</summary>
    public long SkippedTicks => Interlocked.Read(ref _skipped);

    /// <summary>The tick period.</summary>
    public TimeSpan Period => TimeSpan.FromTicks(_periodTicks);

    /// <summary>Ticks handed out or skipped so far (the number of the last tick).</summary>
    public long TickCount => Interlocked.Read(ref _ticks);

    /// <summary>Ticks due by now (elapsed time ÷ period); more than <see cref="TickCount"/> while the consumer catches up.</summary>
    public long TicksDue => _timeProvider.GetElapsedTime(_origin).Ticks / _periodTicks;

    /// <summary>
    /// Completes when the next tick is due: at once while the consumer is behind (one call per missed tick),
    /// otherwise at the tick's time. Returns <see langword="false"/> once the pacer is disposed. Only one wait may
    /// be outstanding at a time.
    /// </summary>
    public ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            return new ValueTask<bool>(false);
        }

        return TryTakeDueTick(0) ? new ValueTask<bool>(true) : WaitForTimerAsync(cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitForTimerAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // A wake-up may be stale (the timer fired while the consumer was catching up): then the tick is not
            // due yet and the loop waits again.
            if (!await _timer.WaitForNextTickAsync(cancellationToken) || _disposed)
            {
                return false;
            }

            if (TryTakeDueTick(_toleranceTicks))
            {
                return true;
            }
        }
    }

    private bool TryTakeDueTick(long toleranceTicks)
    {
        long due = (_timeProvider.GetElapsedTime(_origin).Ticks + toleranceTicks) / _periodTicks;
        long taken = _ticks;
        if (due <= taken)
        {
            return false;
        }

        long behind = due - taken;
        if (behind > _maxCatchUpTicks)
        {
            Interlocked.Add(ref _skipped, behind - _maxCatchUpTicks);
            taken += behind - _maxCatchUpTicks;
        }

        Interlocked.Exchange(ref _ticks, taken + 1);
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }
}
