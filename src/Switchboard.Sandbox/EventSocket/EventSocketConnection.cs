using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.EventSocket;

/// <summary>
/// One inbound event socket client, behaving like a mod_event_socket listener: authentication, command replies, the
/// per-connection subscription, filters and event queue. Commands are handled in order on one loop; queued events
/// are written only between commands, so a running <c>api</c> holds events back exactly as FreeSWITCH does.
/// </summary>
internal sealed class EventSocketConnection : IEventListener, IDisposable
{
    private const int MaxQueue = 100_000;
    private const int MaxMissed = 500;
    private const int MaxReplyBytes = 511;
    private const int FlushThreshold = 256 * 1024;
    private const string Goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
    private static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(25);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SwitchCore _core;
    private readonly ILogger _logger;
    private readonly EndPoint? _remote;
    private readonly EventSubscription _subscription = new();
    private readonly EventFilterSet _filters = new();
    private readonly ConcurrentQueue<SandboxEvent> _queue = new();
    private readonly ConcurrentQueue<EventSocketCommand> _commands = new();
    private readonly SemaphoreSlim _commandSlots = new(64, 64);
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _cts;
    private readonly Lock _subscriptionGate = new();
    private int _queued;
    private int _lostEvents;
    private volatile bool _running = true;
    private volatile bool _readerDone;
    private volatile string? _killMessage;
    private bool _authed;
    private bool _logging;

    public EventSocketConnection(Socket socket, SwitchCore core, ILogger logger, CancellationToken stopping)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _remote = socket.RemoteEndPoint;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _core = core;
        _logger = logger;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    public async Task RunAsync()
    {
        var token = _cts.Token;
        Log.Connected(_logger, _remote);
        _core.Bus.Add(this);
        var readLoop = ReadLoopAsync(token);
        var reason = "closed";
        try
        {
            reason = await ProcessLoopAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            reason = _killMessage is null ? "shutdown" : "killed";
        }
        catch (IOException)
        {
            reason = "peer gone";
        }
        catch (SocketException)
        {
            reason = "peer gone";
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(_logger, _remote, ex);
            reason = "failed";
        }
        finally
        {
            _running = false;
            _core.Bus.Remove(this);
            await SendDisconnectAsync(_killMessage ?? Goodbye);
            await _cts.CancelAsync();
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            await readLoop;
            await CompleteQuietlyAsync();
            Dispose();
            Log.Closed(_logger, _remote, reason);
        }
    }

    /// <summary>Completes the pipes; a peer that already went away makes the final flush fail, which is expected.</summary>
    private async Task CompleteQuietlyAsync()
    {
        try
        {
            await _reader.CompleteAsync();
            await _writer.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
        _cts.Dispose();
        _signal.Dispose();
        _commandSlots.Dispose();
    }

    /// <summary>
    /// Cuts the connection as a network failure would: nothing more reaches the client (not the reply of a
    /// command in progress, not a disconnect notice), then the connection winds down.
    /// </summary>
    public void Sever()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        Abort();
    }

    /// <summary>Closes the connection from outside (server shutdown).</summary>
    public void Abort()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Deliver(SandboxEvent e)
    {
        if (!_running)
        {
            return;
        }

        lock (_subscriptionGate)
        {
            if (!_subscription.Enabled || !_subscription.Wants(e))
            {
                return;
            }
        }

        if (!_filters.Passes(e))
        {
            return;
        }

        if (_subscription.MyEvents)
        {
            var uuid = e.Get("Unique-ID");
            if (uuid is null || (_subscription.MyEventsUuid is { } bound && uuid != bound))
            {
                return;
            }
        }

        if (Interlocked.Increment(ref _queued) > MaxQueue)
        {
            Interlocked.Decrement(ref _queued);
            if (Interlocked.Increment(ref _lostEvents) > MaxMissed && _killMessage is null)
            {
                _killMessage = "killed listener because of lost events\n";
                Log.ListenerKilled(_logger, _remote);
                Abort();
            }

            return;
        }

        Interlocked.Exchange(ref _lostEvents, 0);
        _queue.Enqueue(e);
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // The connection closed while this event was being fired.
        }
    }

    private async Task ReadLoopAsync(CancellationToken token)
    {
        var commandReader = new EventSocketCommandReader();
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(token);
                var buffer = result.Buffer;
                CommandReadStatus status;
                while (true)
                {
                    status = commandReader.TryRead(ref buffer, out var command);
                    if (status == CommandReadStatus.Violation)
                    {
                        Log.ContentLengthRejected(_logger, _remote);
                        break;
                    }

                    if (status == CommandReadStatus.Incomplete)
                    {
                        break;
                    }

                    await _commandSlots.WaitAsync(token);
                    _commands.Enqueue(command!);
                    _signal.Release();
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (status == CommandReadStatus.Violation || result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _readerDone = true;
        _signal.Release();
    }

    private async Task<string> ProcessLoopAsync(CancellationToken token)
    {
        // mod_event_socket gives the first command 25 s to arrive (read_packet with a timeout); later ones wait forever.
        using (var authTimeout = new CancellationTokenSource(AuthTimeout, _core.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(token, authTimeout.Token))
        {
            await WriteAsync("Content-Type: auth/request\n\n", token);
            try
            {
                while (_commands.IsEmpty && !_readerDone)
                {
                    await _signal.WaitAsync(linked.Token);
                }
            }
            catch (OperationCanceledException) when (authTimeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                return "authentication timeout";
            }
        }

        while (_running)
        {
            if (_commands.TryDequeue(out var command))
            {
                _commandSlots.Release();
                await HandleAsync(command, token);
                continue;
            }

            if (!_queue.IsEmpty)
            {
                await FlushEventsAsync(token);
                continue;
            }

            if (_readerDone)
            {
                return "peer closed";
            }

            await _signal.WaitAsync(token);
        }

        return "closed by command";
    }

    private async Task FlushEventsAsync(CancellationToken token)
    {
        var pending = 0;
        while (_queue.TryDequeue(out var e))
        {
            Interlocked.Decrement(ref _queued);
            EventFormat format;
            lock (_subscriptionGate)
            {
                format = _subscription.Format;
            }

            var payload = format switch
            {
                EventFormat.Json => e.JsonBytes,
                EventFormat.Xml => EventXml.Serialize(e),
                _ => e.PlainBytes,
            };
            var header = $"Content-Length: {payload.Length}\nContent-Type: text/event-{EventSubscription.FormatName(format)}\n\n";
            Write(header);
            _writer.Write(payload);
            pending += payload.Length;
            if (pending > FlushThreshold)
            {
                // A long backlog goes out in pieces rather than being buffered whole.
                await _writer.FlushAsync(token);
                pending = 0;
            }
        }

        await _writer.FlushAsync(token);
    }

    private async Task HandleAsync(EventSocketCommand command, CancellationToken token)
    {
        var line = command.Line;

        if (StartsWith(line, "exit") || StartsWith(line, "..."))
        {
            _running = false;
            await ReplyAsync("+OK bye", token);
            return;
        }

        if (!_authed)
        {
            if (StartsWith(line, "auth "))
            {
                if (line[5..] == _core.Options.EslPassword)
                {
                    _authed = true;
                    await ReplyAsync("+OK accepted", token);
                }
                else
                {
                    _running = false;
                    await ReplyAsync("-ERR invalid", token);
                }

                return;
            }

            if (StartsWith(line, "userauth "))
            {
                // The sandbox has no user directory with esl-password params.
                _running = false;
                await ReplyAsync("-ERR invalid", token);
                return;
            }

            await ReplyAsync("-ERR command not found", token);
            return;
        }

        if (StartsWith(line, "filter "))
        {
            await ReplyAsync(_filters.Apply(line[7..]), token);
            return;
        }

        if (StartsWith(line, "myevents "))
        {
            await ReplyAsync(MyEvents(line), token);
            return;
        }

        if (StartsWith(line, "divert_events"))
        {
            await ReplyAsync("-ERR not controlling a session.", token);
            return;
        }

        if (StartsWith(line, "sendmsg"))
        {
            await ReplyAsync(SendMessage(command), token);
            return;
        }

        if (StartsWith(line, "sendevent"))
        {
            await ReplyAsync(SendEvent(command), token);
            return;
        }

        if (StartsWith(line, "api "))
        {
            await ApiAsync(line[4..], token);
            return;
        }

        if (StartsWith(line, "bgapi "))
        {
            await BackgroundApiAsync(line[6..], command.Header("job-uuid"), token);
            return;
        }

        string reply;
        if (StartsWith(line, "log"))
        {
            var level = line[3..].TrimStart(' ');
            var space = level.IndexOf(' ', StringComparison.Ordinal);
            if (space >= 0)
            {
                level = level[..space];
            }

            var number = LogLevel(level);
            _logging |= number >= 0;
            reply = number >= 0 ? $"+OK log level {level} [{number}]" : "-ERR invalid log level";
        }
        else if (StartsWith(line, "linger") || StartsWith(line, "nolinger"))
        {
            reply = "-ERR not controlling a session";
        }
        else if (StartsWith(line, "nolog"))
        {
            // The sandbox writes no log/data frames; the flag only keeps the replies right.
            reply = _logging ? "+OK no longer logging" : "-ERR not loging";
            _logging = false;
        }
        else if (StartsWith(line, "event"))
        {
            lock (_subscriptionGate)
            {
                reply = _subscription.Subscribe(line);
            }
        }
        else if (StartsWith(line, "nixevent"))
        {
            lock (_subscriptionGate)
            {
                reply = _subscription.Unsubscribe(line);
            }
        }
        else if (StartsWith(line, "noevents"))
        {
            lock (_subscriptionGate)
            {
                reply = _subscription.Clear();
            }

            while (_queue.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _queued);
            }
        }
        else
        {
            reply = "-ERR command not found";
        }

        await ReplyAsync(reply, token);
    }

    private string MyEvents(string line)
    {
        var uuid = line[9..];
        string? format = null;
        var space = uuid.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0)
        {
            format = uuid[(space + 1)..];
            uuid = uuid[..space];
        }

        lock (_subscriptionGate)
        {
            if (_subscription.MyEvents)
            {
                return "-ERR aready enabled.";
            }

            var exists = _core.Channels.TryGet(uuid, out _);
            if (!exists && format is not null)
            {
                return "-ERR invalid uuid";
            }

            _subscription.MyEventsUuid = exists ? uuid : null;
            EventFormat? parsed = null;
            if (line.Contains("xml", StringComparison.OrdinalIgnoreCase))
            {
                parsed = EventFormat.Xml;
            }

            if (line.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                parsed = EventFormat.Json;
            }

            _subscription.EnableMyEvents(parsed);
            return "+OK Events Enabled";
        }
    }

    private string SendMessage(EventSocketCommand command)
    {
        var uuid = command.Line[7..].TrimStart(' ');
        if (uuid.Length == 0)
        {
            uuid = command.Header("session-id") ?? string.Empty;
        }

        if (uuid.Length > 0 && _core.Channels.TryGet(uuid, out var channel))
        {
            channel.QueueMessage(ChannelMessage.FromHeaders(command.Headers, command.Body));
            return "+OK";
        }

        return $"-ERR invalid session id [{uuid}]";
    }

    private string SendEvent(EventSocketCommand command) => _core.FireClientEvent(command.Line[9..].TrimStart(' ', '\t'), command.Headers, command.Body);

    private async Task ApiAsync(string apiLine, CancellationToken token)
    {
        var space = apiLine.IndexOf(' ', StringComparison.Ordinal);
        var name = space >= 0 ? apiLine[..space] : apiLine;
        var arg = space >= 0 ? apiLine[(space + 1)..] : null;
        var result = await _core.Api.ExecuteAsync(name, arg, background: false, token);
        var output = result.Found ? result.Output : $"-ERR {name} Command not found!\n";
        if (output.Length == 0)
        {
            output = "-ERR no reply\n";
        }

        var body = Encoding.UTF8.GetBytes(output);
        Write($"Content-Type: api/response\nContent-Length: {body.Length}\n\n");
        _writer.Write(body);
        await _writer.FlushAsync(token);
    }

    private async Task BackgroundApiAsync(string apiLine, string? jobUuid, CancellationToken token)
    {
        var space = apiLine.IndexOf(' ', StringComparison.Ordinal);
        var name = space >= 0 ? apiLine[..space] : apiLine;
        var arg = space >= 0 ? apiLine[(space + 1)..] : null;
        jobUuid ??= Guid.NewGuid().ToString();
        Write($"Content-Type: command/reply\nReply-Text: +OK Job-UUID: {jobUuid}\nJob-UUID: {jobUuid}\n\n");
        await _writer.FlushAsync(token);
        _core.RunBackgroundJob(jobUuid, name, arg);
    }

    private async Task ReplyAsync(string reply, CancellationToken token)
    {
        var bytes = Encoding.UTF8.GetBytes(reply);
        if (bytes.Length > MaxReplyBytes)
        {
            reply = Encoding.UTF8.GetString(bytes, 0, MaxReplyBytes);
        }

        Write($"Content-Type: command/reply\nReply-Text: {reply}\n\n");
        await _writer.FlushAsync(token);
    }

    private async Task SendDisconnectAsync(string message)
    {
        try
        {
            var body = Encoding.UTF8.GetBytes(message);
            Write($"Content-Type: text/disconnect-notice\nContent-Length: {body.Length}\n\n");
            _writer.Write(body);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _writer.FlushAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    private async Task WriteAsync(string text, CancellationToken token)
    {
        Write(text);
        await _writer.FlushAsync(token);
    }

    private void Write(string text)
    {
        var span = _writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static bool StartsWith(string line, string prefix) => line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>switch_log_str2level</c> for the <c>log</c> command.</summary>
    private static int LogLevel(string level)
    {
        if (level.Length == 0)
        {
            return 7;
        }

        if (int.TryParse(level, out var n))
        {
            return n is >= 0 and <= 7 ? n : -1;
        }

        string[] names = ["console", "alert", "crit", "err", "warning", "notice", "info", "debug"];
        var index = Array.FindIndex(names, x => string.Equals(x, level, StringComparison.OrdinalIgnoreCase));
        return index;
    }
}
