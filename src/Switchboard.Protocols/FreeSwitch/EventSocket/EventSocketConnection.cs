using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>One TCP connection to FreeSWITCH: a receive loop and a send loop, the FIFO of commands waiting for their
/// reply, and the bgapi jobs started on it. Lives from connect to close; the client makes a new one on reconnect.</summary>
internal sealed class EventSocketConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly int _maxMessageBytes;
    private readonly TimeProvider _time;

    // Unbounded: each frame belongs to a caller awaiting a reply with a timeout, so the queue is bounded by the callers;
    // a bounded queue would make the FIFO enqueue (under _lock) wait.
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<TaskCompletionSource<EventSocketMessage>> _pending = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _authRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _jobs = new(StringComparer.OrdinalIgnoreCase);
    private bool _closed;
    private string _closeReason = "closed";
    private Exception? _closeError;
    private long _lastReceived;

    public EventSocketConnection(Socket socket, string endpoint, int maxMessageBytes, TimeProvider time)
    {
        _time = time;
        _lastReceived = time.GetTimestamp();
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(minimumReadSize: 16 * 1024));
        _maxMessageBytes = maxMessageBytes;
        Endpoint = endpoint;
    }

    /// <summary>Asks the receive loop's message handler what to do: true = keep reading, false = end the connection.</summary>
    public delegate ValueTask<bool> MessageHandler(EventSocketConnection connection, EventSocketMessage message, CancellationToken cancellationToken);

    public string Endpoint { get; }

    /// <summary>Body of a <c>text/rude-rejection</c> (ACL refused us), if one arrived.</summary>
    public string? Rejection { get; set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last read that returned data.</summary>
    public long LastReceived => Interlocked.Read(ref _lastReceived);

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public Task WaitForAuthRequestAsync(CancellationToken cancellationToken) => _authRequested.Task.WaitAsync(cancellationToken);

    /// <summary>Queues a command frame and returns its reply. The reply slot joins the FIFO in the same step as the frame
    /// joins the outbox, so replies (which FreeSWITCH sends in command order) always match. A caller that gives up keeps
    /// its slot: the late reply is consumed by it instead of being handed to the next command.</summary>
    public Task<EventSocketMessage> SendAsync(byte[] frame)
    {
        var reply = new TaskCompletionSource<EventSocketMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_closed)
            {
                throw Disconnected();
            }

            _pending.Enqueue(reply);
            _outbox.Writer.TryWrite(frame);
        }

        return reply.Task;
    }

    public Task<string> RegisterJob(string jobUuid)
    {
        var job = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_closed)
            {
                throw Disconnected();
            }

            _jobs[jobUuid] = job;
        }

        return job.Task;
    }

    public void ForgetJob(string jobUuid) => _jobs.TryRemove(jobUuid, out _);

    public void CompleteJob(string jobUuid, string result)
    {
        if (_jobs.TryRemove(jobUuid, out TaskCompletionSource<string>? job))
        {
            job.TrySetResult(result);
        }
    }

    /// <summary>Runs both loops until either ends, then closes the connection (failing what is pending) and returns why
    /// it ended: the reason text and the error, null when FreeSWITCH closed or said goodbye.</summary>
    public async Task<(string Reason, Exception? Error)> RunAsync(MessageHandler handler)
    {
        Task<(string, Exception?)> receive = ReceiveLoopAsync(handler);
        Task<(string, Exception?)> send = SendLoopAsync();
        Task<(string, Exception?)> first = await Task.WhenAny(receive, send);
        (string reason, Exception? error) = await first;
        Close(reason, error);
        await (first == receive ? send : receive);
        lock (_lock)
        {
            return (_closeReason, _closeError);
        }
    }

    /// <summary>Ends the connection: fails every command waiting for a reply and every bgapi job with
    /// <see cref="EventSocketDisconnectedException"/>, and shuts the socket so both loops stop.</summary>
    public void Close(string reason, Exception? error = null)
    {
        TaskCompletionSource<EventSocketMessage>[] pending;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _closeReason = reason;
            _closeError = error;
            pending = [.. _pending];
            _pending.Clear();
            _outbox.Writer.TryComplete();
        }

        _lifetime.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        // Each failure is marked observed (reading Exception): a caller that already timed out no longer awaits it.
        _authRequested.TrySetException(Disconnected());
        _ = _authRequested.Task.Exception;
        foreach (TaskCompletionSource<EventSocketMessage> reply in pending)
        {
            reply.TrySetException(Disconnected());
            _ = reply.Task.Exception;
        }

        foreach (string jobUuid in _jobs.Keys)
        {
            if (_jobs.TryRemove(jobUuid, out TaskCompletionSource<string>? job))
            {
                job.TrySetException(Disconnected());
                _ = job.Task.Exception;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close("disposed");
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
        _lifetime.Dispose();
    }

    private EventSocketDisconnectedException Disconnected() =>
        new($"The Event Socket connection to {Endpoint} was lost ({_closeReason}).", _closeError);

    private async Task<(string, Exception?)> ReceiveLoopAsync(MessageHandler handler)
    {
        CancellationToken cancellationToken = _lifetime.Token;
        try
        {
            while (true)
            {
                ReadResult result = await _reader.ReadAsync(cancellationToken);
                ReadOnlySequence<byte> buffer = result.Buffer;
                Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());
                bool keepReading = true;
                try
                {
                    while (keepReading && EventSocketParser.TryRead(ref buffer, _maxMessageBytes, out EventSocketMessage? message))
                    {
                        keepReading = await HandleAsync(handler, message, cancellationToken);
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (!keepReading)
                {
                    return (Rejection is null ? "disconnect notice" : "rejected by FreeSWITCH", null);
                }

                if (result.IsCompleted)
                {
                    return buffer.IsEmpty
                        ? ("closed by FreeSWITCH", null)
                        : ("closed by FreeSWITCH", new EventSocketException("The connection closed in the middle of a message."));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ("closed", null);
        }
        catch (EventSocketException ex)
        {
            return ("protocol error", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return ("network error", ex);
        }
    }

    private async ValueTask<bool> HandleAsync(MessageHandler handler, EventSocketMessage message, CancellationToken cancellationToken)
    {
        switch (message.ContentType)
        {
            case EventSocketHeaders.CommandReply:
            case EventSocketHeaders.ApiResponse:
                TaskCompletionSource<EventSocketMessage> reply;
                lock (_lock)
                {
                    if (!_pending.TryDequeue(out reply!))
                    {
                        throw new EventSocketException($"A {message.ContentType} arrived with no command waiting for it.");
                    }
                }

                // False when the caller timed out or was cancelled: its late reply ends here.
                reply.TrySetResult(message);
                return true;
            case EventSocketHeaders.AuthRequest:
                _authRequested.TrySetResult();
                return true;
            default:
                return await handler(this, message, cancellationToken);
        }
    }

    private async Task<(string, Exception?)> SendLoopAsync()
    {
        CancellationToken cancellationToken = _lifetime.Token;
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_outbox.Reader.TryRead(out byte[]? frame))
                {
                    await _stream.WriteAsync(frame, cancellationToken);
                }
            }

            return ("closed", null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ("closed", null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return ("network error", ex);
        }
    }
}
