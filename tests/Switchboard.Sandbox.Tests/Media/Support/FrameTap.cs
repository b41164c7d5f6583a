using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Tests.Media.Support;

/// <summary>A media bug that keeps every frame it sees, with its tick (tests only; allocates).</summary>
public sealed class FrameTap : IMediaBug
{
    private readonly Lock _gate = new();
    private readonly List<(long Tick, short[] Read, short[] Write)> _frames = [];

    public List<(long Tick, short[] Read, short[] Write)> Frames
    {
        get
        {
            lock (_gate)
            {
                return [.. _frames];
            }
        }
    }

    public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
    {
        lock (_gate)
        {
            _frames.Add((tick, read.ToArray(), write.ToArray()));
        }
    }
}

/// <summary>Collects audio stream events for assertions.</summary>
public sealed class StreamEventLog
{
    private readonly System.Threading.Channels.Channel<(string Subclass, string Body)> _events =
        System.Threading.Channels.Channel.CreateUnbounded<(string Subclass, string Body)>();
    private readonly Lock _gate = new();
    private readonly List<(string Subclass, string Body)> _all = [];

    public AudioStreamEventSink Sink => (subclass, body) =>
    {
        lock (_gate)
        {
            _all.Add((subclass, body));
        }

        _events.Writer.TryWrite((subclass, body));
    };

    public List<(string Subclass, string Body)> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>The next event (bounded wait).</summary>
    public async Task<(string Subclass, string Body)> NextAsync(TimeSpan? timeout = null) =>
        await _events.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>The next event of <paramref name="subclass"/>, skipping others.</summary>
    public async Task<string> NextAsync(string subclass)
    {
        while (true)
        {
            (string s, string body) = await NextAsync();
            if (s == subclass)
            {
                return body;
            }
        }
    }
}
