namespace Switchboard.Protocols.Audio;

/// <summary>
/// Paces outbound audio at a fixed period (20 ms per frame) from an injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Built on <see cref="PeriodicTimer"/>, whose ticks sit on a fixed grid (start + k × period), so the
/// schedule does not drift by the time the consumer spends per frame, as a <c>Task.Delay</c> loop would.
/// A consumer that falls behind gets one immediate tick, not a burst of missed ones: late audio is
/// dropped or sent once rather than queued up as latency.
/// </remarks>
public sealed class AudioPacer : IDisposable
{
    private readonly PeriodicTimer _timer;

    public AudioPacer(TimeSpan period, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        _timer = new PeriodicTimer(period, timeProvider);
    }

    /// <summary>The tick period.</summary>
    public TimeSpan Period => _timer.Period;

    /// <summary>
    /// Waits for the next tick. Returns <see langword="false"/> once the pacer is disposed. Only one wait may be
    /// outstanding at a time (a <see cref="PeriodicTimer"/> rule).
    /// </summary>
    public ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken = default) =>
        _timer.WaitForNextTickAsync(cancellationToken);

    public void Dispose() => _timer.Dispose();
}
