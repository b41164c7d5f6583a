using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Inbound Event Socket client: one connection to FreeSWITCH that authenticates, subscribes with
/// <c>event json</c>, re-applies filters and reconnects with backoff (freeswitch.md §1, §1.11).</summary>
/// <remarks>
/// <para><c>api</c> runs synchronously in FreeSWITCH's thread for this connection: while it runs, no other command is
/// read and no event is flushed (§1.4). Use <see cref="ApiAsync"/> only for fast commands; anything that may ring or wait
/// (originate, <c>conference … dial</c>) goes through <see cref="BackgroundApiAsync"/>.</para>
/// <para>Replies are matched to commands in order. A command that times out or is cancelled keeps its place, so its
/// late reply is discarded rather than given to the next command.</para>
/// </remarks>
public sealed partial class EventSocketClient : IAsyncDisposable
{
    private readonly EventSocketOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly string _subscribeCommand;
    private readonly bool _heartbeatSubscribed;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EventSocketConnection? _current;
    private Task? _run;
    private Exception? _fatal;
    private bool _disposed;
    private int _state;
    private long _reconnectCount;
    private long _eventsReceived;
    private long _malformedEvents;
    private long _subscriberWaits;

    public EventSocketClient(EventSocketOptions options, TimeProvider? timeProvider = null, ILogger<EventSocketClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        ArgumentNullException.ThrowIfNull(options.Password);
        EventSocketCommandWriter.EnsureSingleLine(options.Password, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BackgroundJobTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ReconnectMinDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReconnectMaxDelay, options.ReconnectMinDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessageBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SubscriptionCapacity, 1);
        if (options.HeartbeatTimeout is { } heartbeatTimeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeatTimeout, TimeSpan.Zero, nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _endpoint = $"{options.Host}:{options.Port}";
        _subscribeCommand = EventSocketCommands.FormatSubscription(options.Events);
        _heartbeatSubscribed = options.Events.Any(e => e is "HEARTBEAT" or "ALL");
    }

    /// <summary>Raised on every state change, on the connection loop: keep handlers short and non-blocking.</summary>
    public event Action<EventSocketState>? StateChanged;

    public EventSocketState State => (EventSocketState)Volatile.Read(ref _state);

    /// <summary>Connections re-established after a loss (the first connection does not count).</summary>
    public long ReconnectCount => Interlocked.Read(ref _reconnectCount);

    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>Events skipped because their body could not be decoded (framing was intact).</summary>
    public long MalformedEvents => Interlocked.Read(ref _malformedEvents);

    /// <summary>Times the receive loop had to wait for a full subscription (a slow consumer).</summary>
    public long SubscriberWaits => Interlocked.Read(ref _subscriberWaits);

    /// <summary>Commands sent (or queued to send) still waiting for their reply on the current connection.</summary>
    public int PendingCommands
    {
        get
        {
            lock (_gate)
            {
                return _current?.PendingCount ?? 0;
            }
        }
    }

    /// <summary>Starts the connection loop (once) and waits until the first connection is ready.</summary>
    /// <exception cref="EventSocketAuthenticationException">FreeSWITCH refused the password; the client stopped.</exception>
    public Task StartAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _run ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }

        return WaitConnectedAsync(ct);
    }

    /// <summary>Completes when the client is connected (immediately if it is).</summary>
    public async Task WaitConnectedAsync(CancellationToken ct)
    {
        while (true)
        {
            Task connected;
            lock (_gate)
            {
                ThrowIfStopped();
                if (_current is not null)
                {
                    return;
                }

                connected = _connected.Task;
            }

            try
            {
                await connected.WaitAsync(ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Stopped or disposed meanwhile: the loop re-checks and throws with this call's stack.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        EventSocketConnection? current;
        Task? run;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
            run = _run;
        }

        await _stop.CancelAsync();
        current?.Close("client disposed");
        if (run is not null)
        {
            await run;
        }

        SetState(EventSocketState.Stopped);
        _connected.TrySetException(new ObjectDisposedException(nameof(EventSocketClient)));
        CompleteSubscriptions();
        _stop.Dispose();
    }

    /// <summary>Throws when the client stopped for good (call under <see cref="_gate"/>).</summary>
    private void ThrowIfStopped()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (_fatal)
        {
            case null:
                return;
            case EventSocketAuthenticationException auth:
                throw new EventSocketAuthenticationException(auth.Message, auth);
            default:
                throw new EventSocketDisconnectedException($"The Event Socket client stopped: {_fatal.Message}", _fatal);
        }
    }

    private void SetState(EventSocketState state)
    {
        if (Interlocked.Exchange(ref _state, (int)state) == (int)state)
        {
            return;
        }

        try
        {
            StateChanged?.Invoke(state);
        }
        catch (Exception ex)
        {
            Log.StateHandlerFailed(_logger, ex);
        }
    }
}
