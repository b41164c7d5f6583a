using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Tests.Support;

namespace Switchboard.Protocols.Tests.Audio;

public class AudioPacerTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ticks_when_a_full_period_has_elapsed_and_not_before()
    {
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);

        ValueTask<bool> tick = pacer.WaitForNextTickAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(tick.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(tick.IsCompleted);
        Assert.True(await tick.AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Ticks_stay_on_the_period_grid_however_time_advances()
    {
        // Time moves in 7 ms steps, which never line up with 20 ms. Tick k must be seen at the first step
        // at or after k × 20 ms. A pacer that re-armed a 20 ms delay after each observed tick would fall
        // behind by up to 6 ms per tick, i.e. seconds after 500 ticks.
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);
        const int step = 7;
        const int ticks = 500;

        for (int k = 1; k <= ticks; k++)
        {
            ValueTask<bool> tick = pacer.WaitForNextTickAsync(CancellationToken.None);
            int guard = 0;
            while (!tick.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(step));
                Assert.True(++guard <= 3, $"tick {k} did not arrive within three steps");
            }

            Assert.True(await tick.AsTask().WaitAsync(Bound));
            double expected = Math.Ceiling(k * 20.0 / step) * step;
            Assert.Equal(expected, time.Elapsed.TotalMilliseconds);
        }
    }

    [Fact]
    public async Task A_late_consumer_gets_one_immediate_tick_and_then_the_grid_again()
    {
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);

        time.Advance(TimeSpan.FromMilliseconds(65)); // three periods pass with nobody waiting

        ValueTask<bool> late = pacer.WaitForNextTickAsync(CancellationToken.None);
        Assert.True(late.IsCompleted);
        Assert.True(await late.AsTask().WaitAsync(Bound));

        ValueTask<bool> next = pacer.WaitForNextTickAsync(CancellationToken.None);
        Assert.False(next.IsCompleted); // missed ticks do not queue up into a burst
        time.Advance(TimeSpan.FromMilliseconds(14));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1)); // 80 ms: back on the grid, not 65 + 20
        Assert.True(next.IsCompleted);
        Assert.True(await next.AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Disposing_ends_a_pending_wait_with_false()
    {
        var time = new ManualTimeProvider();
        var pacer = new AudioPacer(Period, time);
        ValueTask<bool> tick = pacer.WaitForNextTickAsync(CancellationToken.None);

        pacer.Dispose();

        Assert.False(await tick.AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task A_cancelled_wait_throws_OperationCanceledException()
    {
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);
        using var cts = new CancellationTokenSource();
        Task<bool> tick = pacer.WaitForNextTickAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tick.WaitAsync(Bound));
    }

    [Fact]
    public void A_non_positive_period_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioPacer(TimeSpan.Zero, new ManualTimeProvider()));
}
