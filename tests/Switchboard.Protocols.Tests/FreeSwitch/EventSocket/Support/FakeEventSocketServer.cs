using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

/// <summary>A scriptable, strict inbound Event Socket server on a loopback port: it sends <c>auth/request</c>, refuses
/// everything before a correct <c>auth</c> (<c>-ERR command not found</c>), answers a wrong password with
/// <c>-ERR invalid</c> + disconnect notice + close (freeswitch.md §1.3), and answers <c>event</c> and <c>filter</c> itself
/// (§1.5, verified Q8). Every other command is handed to the test, which replies as it likes.</summary>
internal sealed class FakeEventSocketServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly Channel<FakeEventSocketSession> _sessions = Channel.CreateUnbounded<FakeEventSocketSession>();
    private readonly List<FakeEventSocketSession> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public FakeEventSocketServer(string password = "ClueCon")
    {
        Password = password;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Password { get; }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>When set, the next connection gets a <c>text/rude-rejection</c> and is closed (ACL refusal).</summary>
    public bool RejectConnections { get; set; }

    public async Task<FakeEventSocketSession> NextSessionAsync() =>
        await _sessions.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        FakeEventSocketSession[] sessions;
        lock (_all)
        {
            sessions = [.. _all];
        }

        foreach (FakeEventSocketSession session in sessions)
        {
            await session.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                var session = new FakeEventSocketSession(socket, Password, RejectConnections);
                lock (_all)
                {
                    _all.Add(session);
                }

                await session.StartAsync();
                _sessions.Writer.TryWrite(session);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>A command as received: the first line and its headers (and body, if it had Content-Length).</summary>
internal sealed record FakeCommand(string Line, IReadOnlyDictionary<string, string> Headers, string? Body);

internal sealed class FakeEventSocketSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly string _password;
    private readonly bool _reject;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<FakeCommand> _forTest = Channel.CreateUnbounded<FakeCommand>();
    private readonly Channel<FakeCommand> _received = Channel.CreateUnbounded<FakeCommand>();
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private bool _authenticated;

    public FakeEventSocketSession(Socket socket, string password, bool reject)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _password = password;
        _reject = reject;
    }

    /// <summary>Every command line received so far, in order (auth, event, filter, api, …).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Completes when the client closed the connection or it was dropped.</summary>
    public Task Closed => _closed.Task;

    public async Task StartAsync()
    {
        if (_reject)
        {
            await SendAsync("Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n");
            _socket.Close();
            _closed.TrySetResult();
            return;
        }

        await SendAsync("Content-Type: auth/request\n\n");
        _readLoop = ReadLoopAsync();
    }

    /// <summary>The next command the server did not answer itself (api, bgapi, sendmsg, …).</summary>
    public async Task<FakeCommand> NextCommandAsync() =>
        await _forTest.Reader.ReadAsync().AsTask().WaitAsync(FakeEventSocketServer.Timeout);

    /// <summary>Waits until a command line satisfying <paramref name="match"/> has been received (answered or not).</summary>
    public async Task<FakeCommand> WaitForLineAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(FakeEventSocketServer.Timeout);
        while (true)
        {
            FakeCommand command = await _received.Reader.ReadAsync(timeout.Token);
            if (match(command.Line))
            {
                return command;
            }
        }
    }

    public Task ReplyAsync(string replyText, params (string Name, string Value)[] headers)
    {
        var text = new StringBuilder("Content-Type: command/reply\nReply-Text: ").Append(replyText).Append('\n');
        foreach ((string name, string value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }

        return SendAsync(text.Append('\n').ToString());
    }

    /// <summary>api/response writes Content-Type before Content-Length (freeswitch.md §1.2).</summary>
    public Task ApiResponseAsync(string body) =>
        SendAsync($"Content-Type: api/response\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\n\n{body}");

    public Task SendEventJsonAsync(IReadOnlyDictionary<string, string> headers, string? body = null)
    {
        var all = new Dictionary<string, string>(headers);
        if (body is not null)
        {
            all["Content-Length"] = Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture);
            all["_body"] = body;
        }

        string json = JsonSerializer.Serialize(all);
        return SendAsync($"Content-Length: {Encoding.UTF8.GetByteCount(json)}\nContent-Type: text/event-json\n\n{json}");
    }

    /// <summary>A plain event with URL-encoded values and an inner Content-Length body (verified Q7).</summary>
    public Task SendEventPlainAsync(IReadOnlyDictionary<string, string> headers, string? body = null)
    {
        var inner = new StringBuilder();
        foreach ((string name, string value) in headers)
        {
            inner.Append(name).Append(": ").Append(Uri.EscapeDataString(value)).Append('\n');
        }

        if (body is null)
        {
            inner.Append('\n');
        }
        else
        {
            inner.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\n\n").Append(body);
        }

        string text = inner.ToString();
        return SendAsync($"Content-Length: {Encoding.UTF8.GetByteCount(text)}\nContent-Type: text/event-plain\n\n{text}");
    }

    public Task SendDisconnectNoticeAsync() =>
        SendAsync("Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");

    public async Task SendAsync(string raw)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(raw);
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Drops the TCP connection at once (RST), as a crashed or restarted FreeSWITCH would.</summary>
    public void Drop()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Drop();
        await _readLoop;
        _writeLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                int read = await _stream.ReadAsync(chunk);
                if (read == 0)
                {
                    return;
                }

                buffer.AddRange(chunk.AsSpan(0, read));
                while (TryTakeCommand(buffer, out FakeCommand command))
                {
                    lock (_lines)
                    {
                        _lines.Add(command.Line);
                    }

                    _received.Writer.TryWrite(command);
                    if (!await HandleAsync(command))
                    {
                        return;
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
        finally
        {
            _closed.TrySetResult();
            _forTest.Writer.TryComplete();
        }
    }

    private async Task<bool> HandleAsync(FakeCommand command)
    {
        string line = command.Line;
        if (!_authenticated)
        {
            if (!line.StartsWith("auth ", StringComparison.Ordinal))
            {
                await ReplyAsync("-ERR command not found");
                return true;
            }

            if (line["auth ".Length..] != _password)
            {
                await ReplyAsync("-ERR invalid");
                await SendDisconnectNoticeAsync();
                _socket.Shutdown(SocketShutdown.Both);
                _socket.Close();
                return false;
            }

            _authenticated = true;
            await ReplyAsync("+OK accepted");
            return true;
        }

        if (line.StartsWith("event ", StringComparison.Ordinal))
        {
            string format = line.Split(' ')[1];
            await ReplyAsync(format is "plain" or "json" or "xml" ? $"+OK event listener enabled {format}" : "+OK event listener enabled plain");
            return true;
        }

        if (line.StartsWith("filter delete ", StringComparison.Ordinal))
        {
            string[] parts = line.Split(' ', 4);
            await ReplyAsync($"+OK filter deleted. [{parts[2]}][{(parts.Length > 3 ? parts[3] : string.Empty)}]");
            return true;
        }

        if (line.StartsWith("filter ", StringComparison.Ordinal))
        {
            string[] parts = line.Split(' ', 3);
            await ReplyAsync(parts.Length < 3 ? "-ERR invalid syntax" : $"+OK filter added. [{parts[1]}]=[{parts[2]}]");
            return true;
        }

        _forTest.Writer.TryWrite(command);
        return true;
    }

    private static bool TryTakeCommand(List<byte> buffer, out FakeCommand command)
    {
        command = null!;
        int start = 0;
        while (start < buffer.Count && (buffer[start] == '\n' || buffer[start] == '\r'))
        {
            start++;
        }

        int end = -1;
        for (int i = start; i + 1 < buffer.Count; i++)
        {
            if (buffer[i] == '\n' && buffer[i + 1] == '\n')
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            return false;
        }

        string[] lines = Encoding.UTF8.GetString(buffer.GetRange(start, end - start).ToArray()).Split('\n');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string header in lines.Skip(1))
        {
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            headers[header[..colon]] = header[(colon + 1)..].TrimStart();
        }

        int consumed = end + 2;
        string? body = null;
        if (headers.TryGetValue("Content-Length", out string? length))
        {
            int bodyLength = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            if (buffer.Count < consumed + bodyLength)
            {
                return false;
            }

            body = Encoding.UTF8.GetString(buffer.GetRange(consumed, bodyLength).ToArray());
            consumed += bodyLength;
        }

        buffer.RemoveRange(0, consumed);
        command = new FakeCommand(lines[0], headers, body);
        return true;
    }
}
