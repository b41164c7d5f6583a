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
            double expected = Math.Ceiling(k * 20.0 / step) * step;
            while (time.Elapsed.TotalMilliseconds < expected)
            {
                Assert.False(tick.IsCompleted, $"tick {k} came before {expected} ms");
                time.Advance(TimeSpan.FromMilliseconds(step));
            }

            // The timer's continuation may hop to the thread pool: wait for it, bounded.
            Assert.True(await tick.AsTask().WaitAsync(Bound));
            Assert.Equal(k, pacer.TickCount);
            Assert.Equal(expected, time.Elapsed.TotalMilliseconds);
        }
    }

    [Fact]
    public async Task A_late_consumer_gets_every_missed_tick_at_once_and_then_the_grid_again()
    {
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);

        time.Advance(TimeSpan.FromMilliseconds(65)); // three periods pass with nobody waiting

        for (int missed = 1; missed <= 3; missed++)
        {
            ValueTask<bool> late = pacer.WaitForNextTickAsync(CancellationToken.None);
            Assert.True(late.IsCompleted, $"missed tick {missed} was not handed out at once");
            Assert.True(await late.AsTask().WaitAsync(Bound));
        }

        Assert.Equal(3, pacer.TickCount);
        ValueTask<bool> next = pacer.WaitForNextTickAsync(CancellationToken.None);
        Assert.False(next.IsCompleted); // caught up: tick 4 is due at 80 ms
        time.Advance(TimeSpan.FromMilliseconds(14));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1)); // 80 ms: on the grid, not 65 + 20
        Assert.True(await next.AsTask().WaitAsync(Bound));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(35)]
    [InlineData(90)]
    [InlineData(480)]
    public async Task A_consumer_woken_late_every_time_still_gets_fifty_ticks_per_second(int wakeEveryMs)
    {
        // The consumer only runs every wakeEveryMs (a loaded machine). Each time it runs, it sends every frame due,
        // and then keeps its one wait pending until the next run. After 10 s exactly 500 frames went out: none is
        // skipped, none is invented.
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);
        long sent = 0;
        ValueTask<bool> pending = pacer.WaitForNextTickAsync(CancellationToken.None);
        for (int elapsed = wakeEveryMs; elapsed <= 10_000; elapsed += wakeEveryMs)
        {
            time.Advance(TimeSpan.FromMilliseconds(wakeEveryMs));
            while (pacer.TicksDue > sent)
            {
                Assert.True(await pending.AsTask().WaitAsync(Bound));
                sent++;
                pending = pacer.WaitForNextTickAsync(CancellationToken.None);
            }

            Assert.Equal(elapsed / 20, sent);
        }

        Assert.Equal(0, pacer.SkippedTicks);
        pacer.Dispose();
        Assert.False(await pending.AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task A_stall_longer_than_the_catch_up_limit_skips_the_oldest_ticks_and_counts_them()
    {
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time, maxCatchUp: TimeSpan.FromMilliseconds(100));
        time.Advance(TimeSpan.FromMilliseconds(1000)); // 50 ticks due, at most 5 handed out at once

        for (int i = 0; i < 5; i++)
        {
            ValueTask<bool> tick = pacer.WaitForNextTickAsync(CancellationToken.None);
            Assert.True(tick.IsCompleted, $"catch-up tick {i + 1} was not immediate");
            Assert.True(await tick);
        }

        Assert.Equal(45, pacer.SkippedTicks);
        Assert.Equal(50, pacer.TickCount);
        ValueTask<bool> after = pacer.WaitForNextTickAsync(CancellationToken.None);
        Assert.False(after.IsCompleted); // caught up: the next tick is on the grid again (1020 ms)
        time.Advance(Period);
        Assert.True(await after.AsTask().WaitAsync(Bound));
        Assert.Equal(51, pacer.TickCount);
    }

    [Fact]
    public async Task A_stale_timer_wake_up_does_not_hand_out_a_tick_early()
    {
        // The timer fires at 20 and 40 ms while the consumer is away; at 45 ms it takes ticks 1 and 2 at once.
        // The timer's pending signal must not make tick 3 (due at 60 ms) come early.
        var time = new ManualTimeProvider();
        using var pacer = new AudioPacer(Period, time);
        time.Advance(TimeSpan.FromMilliseconds(45));
        Assert.True(await pacer.WaitForNextTickAsync(CancellationToken.None));
        Assert.True(await pacer.WaitForNextTickAsync(CancellationToken.None));

        ValueTask<bool> third = pacer.WaitForNextTickAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(14)); // 59 ms
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await third.AsTask().WaitAsync(Bound));
        Assert.Equal(3, pacer.TickCount);
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
