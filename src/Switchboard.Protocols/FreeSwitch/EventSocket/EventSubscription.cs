using System.Threading.Channels;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>A stream of events: every event, or only those of one channel (<c>Unique-ID</c>). Dispose it when done;
/// the client completes <see cref="Reader"/> when it is disposed itself.</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly Channel<EventSocketEvent> _channel;
    private readonly Action<EventSubscription> _unsubscribe;
    private readonly HashSet<string>? _eventNames;
    private int _disposed;
    private int _backpressureReported;

    internal EventSubscription(string? uniqueId, int capacity, Action<EventSubscription> unsubscribe, HashSet<string>? eventNames = null)
    {
        UniqueId = uniqueId;
        _unsubscribe = unsubscribe;
        _eventNames = eventNames;

        // Bounded with Wait: events must not be lost, so a slow reader holds up the socket reader (backpressure) instead
        // of growing memory without limit; the capacity is large so a healthy consumer never causes that.
        _channel = Channel.CreateBounded<EventSocketEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
    }

    /// <summary>The channel UUID this subscription follows, or null for every event.</summary>
    public string? UniqueId { get; }

    public ChannelReader<EventSocketEvent> Reader => _channel.Reader;

    /// <summary>Events waiting to be read.</summary>
    public int Count => _channel.Reader.Count;

    internal ChannelWriter<EventSocketEvent> Writer => _channel.Writer;

    /// <summary>False for an event whose name (or CUSTOM subclass) this subscription did not ask for.</summary>
    internal bool Wants(EventSocketEvent e) =>
        _eventNames is null || _eventNames.Contains(e.Name) || (e.Subclass is not null && _eventNames.Contains(e.Subclass));

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe(this);
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>True the first time the subscription made the reader wait (the warning is logged once).</summary>
    internal bool FirstBackpressure() => Interlocked.Exchange(ref _backpressureReported, 1) == 0;

    internal void Complete() => _channel.Writer.TryComplete();
}
