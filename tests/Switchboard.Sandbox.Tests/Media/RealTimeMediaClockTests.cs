using System.Diagnostics;
using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

/// <summary>
/// Tests on the real clock. They share a collection with the CPU-heavy load measurements so the two never
/// run at the same time in this process (thread-pool starvation would skew the real-time rate).
/// </summary>
[Collection(MediaTimingCollection.Name)]
public sealed class RealTimeMediaClockTests
{
    [Fact]
    public async Task On_the_system_clock_the_stream_receives_about_50_frames_per_second()
    {
        await using StreamServer server = await StreamServer.StartAsync();
        await using var clock = new MediaClock(TimeProvider.System);
        await using var channel = new MediaChannel("realtime", clock) { Source = new ToneSource(1000) };
        var events = new StreamEventLog();
        string temp = Path.GetTempPath();
        var session = new AudioStreamSession(channel, new AudioStreamOptions { Url = server.Url(), TempDirectory = temp }, events.Sink);
        Assert.True(session.TryStart());
        StreamConnection connection = await server.AcceptAsync();
        Assert.True(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));
        clock.Start();

        await connection.ReceiveBinaryAsync(10); // settle
        ReceivedMessage first = (await connection.ReceiveBinaryAsync(1))[0];
        List<ReceivedMessage> window = await connection.ReceiveBinaryAsync(100);
        double seconds = Stopwatch.GetElapsedTime(first.Timestamp, window[^1].Timestamp).TotalSeconds;
        double rate = 100 / seconds;

        // 2 noisy shared cores: a generous band around 50/s (a per-channel timer drifting or a 10 ms period would fail it).
        Assert.InRange(rate, 40, 62);
        Assert.All(window, f => Assert.Equal(320, f.Data.Length));
        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
