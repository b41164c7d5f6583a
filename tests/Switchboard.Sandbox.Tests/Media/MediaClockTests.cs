using Switchboard.Fakes;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class MediaClockTests
{
    private sealed class Recorder : IMediaParticipant
    {
        private readonly List<string> _log;
        private readonly string _name;

        public Recorder(string name, List<string> log)
        {
            _name = name;
            _log = log;
        }

        public void ReadFrame(long tick) => _log.Add($"{tick}:{_name}:read");

        public void WriteFrame(long tick) => _log.Add($"{tick}:{_name}:write");

        public void FeedMediaBugs(long tick) => _log.Add($"{tick}:{_name}:bugs");
    }

    private sealed class Throwing : IMediaParticipant
    {
        public void ReadFrame(long tick) => throw new InvalidOperationException("boom");

        public void WriteFrame(long tick)
        {
        }

        public void FeedMediaBugs(long tick)
        {
        }
    }

    [Fact]
    public async Task One_tick_runs_every_read_then_every_write_then_every_media_bug_phase()
    {
        await using var clock = new MediaClock(new ManualTimeProvider());
        var log = new List<string>();
        clock.Register(new Recorder("a", log));
        clock.Register(new Recorder("b", log));
        clock.Tick();
        Assert.Equal(["1:a:read", "1:b:read", "1:a:write", "1:b:write", "1:a:bugs", "1:b:bugs"], log);
        Assert.Equal(1, clock.TickCount);
    }

    private sealed class Signalling : IMediaParticipant
    {
        private readonly System.Threading.Channels.Channel<long> _ticks = System.Threading.Channels.Channel.CreateUnbounded<long>();

        public ManualResetEventSlim? BlockFirstTick { get; init; }

        public TaskCompletionSource FirstTickStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<long> NextTickAsync() => await _ticks.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        public void ReadFrame(long tick)
        {
            if (tick == 1 && BlockFirstTick is not null)
            {
                FirstTickStarted.TrySetResult();
                Assert.True(BlockFirstTick.Wait(TimeSpan.FromSeconds(10)));
            }
        }

        public void WriteFrame(long tick)
        {
        }

        public void FeedMediaBugs(long tick) => _ticks.Writer.TryWrite(tick);
    }

    [Fact]
    public async Task The_timer_loop_ticks_once_per_20_ms_of_the_injected_time_provider()
    {
        var time = new ManualTimeProvider();
        await using var clock = new MediaClock(time);
        var participant = new Signalling();
        clock.Register(participant);
        clock.Start();

        time.Advance(TimeSpan.FromMilliseconds(19));
        for (int i = 1; i <= 50; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            Assert.Equal(i, await participant.NextTickAsync());
        }

        await clock.DisposeAsync();
        Assert.Equal(50, clock.TickCount);
        Assert.Equal(0, clock.SkippedTicks);
    }

    [Fact]
    public async Task A_late_wake_up_catches_up_at_most_MaxCatchUpTicks_and_counts_the_rest_as_skipped()
    {
        var time = new ManualTimeProvider();
        await using var clock = new MediaClock(time);
        using var gate = new ManualResetEventSlim();
        var participant = new Signalling { BlockFirstTick = gate };
        clock.Register(participant);
        clock.Start();

        // The timer may run the loop inline in Advance, so the first period is advanced on another thread,
        // which then sits in the stuck tick 1 while MaxCatchUpTicks + 10 more periods pass.
        Task firstPeriod = Task.Run(() => time.Advance(TimeSpan.FromMilliseconds(20)));
        await participant.FirstTickStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMilliseconds(20 * (MediaClock.MaxCatchUpTicks + 10)));
        gate.Set();
        await firstPeriod.WaitAsync(TimeSpan.FromSeconds(10));

        var ticks = new List<long>();
        for (int i = 0; i < MediaClock.MaxCatchUpTicks + 1; i++)
        {
            ticks.Add(await participant.NextTickAsync());
        }

        await clock.DisposeAsync();
        Assert.Equal(Enumerable.Range(1, 26).Select(t => (long)t), ticks);
        Assert.Equal(26, clock.TickCount);
        Assert.Equal(10, clock.SkippedTicks);
    }

    [Fact]
    public async Task A_failing_participant_does_not_stop_the_others()
    {
        await using var clock = new MediaClock(new ManualTimeProvider());
        var log = new List<string>();
        clock.Register(new Throwing());
        clock.Register(new Recorder("ok", log));
        clock.Tick();
        clock.Tick();
        Assert.Equal(6, log.Count);
    }

    [Fact]
    public async Task Unregistered_participants_are_not_ticked()
    {
        await using var clock = new MediaClock(new ManualTimeProvider());
        var log = new List<string>();
        var a = new Recorder("a", log);
        clock.Register(a);
        clock.Register(a);
        Assert.Equal(1, clock.ParticipantCount);
        clock.Tick();
        Assert.True(clock.Unregister(a));
        clock.Tick();
        Assert.Equal(3, log.Count);
    }
}
