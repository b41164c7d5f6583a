using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Sandbox.Tests.Support;

/// <summary>
/// A deliberately small event socket client for conformance tests: raw bytes in and out, every frame kept, events
/// that arrive while waiting for a reply are buffered for later assertions.
/// </summary>
public sealed class EslTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private EslTestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Events received so far and not yet taken by a wait.</summary>
    public List<EslEvent> Events { get; } = [];

    /// <summary>Every event ever received, in order.</summary>
    public List<EslEvent> AllEvents { get; } = [];

    public static async Task<EslTestClient> ConnectAsync(string host, int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host, port).WaitAsync(DefaultTimeout);
        return new EslTestClient(tcp);
    }

    /// <summary>Connects, checks the auth/request greeting and authenticates.</summary>
    public static async Task<EslTestClient> ConnectAuthenticatedAsync(string host, int port, string password)
    {
        var client = await ConnectAsync(host, port);
        var greeting = await client.ReadFrameAsync();
        if (greeting.ContentType != "auth/request")
        {
            throw new InvalidOperationException("No auth/request greeting: " + greeting.ContentType);
        }

        var reply = await client.CommandAsync("auth " + password);
        if (reply.ReplyText != "+OK accepted")
        {
            throw new InvalidOperationException("Authentication failed: " + reply.ReplyText);
        }

        return client;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(DefaultTimeout);
        await _stream.FlushAsync();
    }

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends a command (plus headers) and returns its command/reply or api/response frame.</summary>
    public async Task<EslFrame> CommandAsync(string line, params (string Name, string Value)[] headers)
    {
        var sb = new StringBuilder(line).Append('\n');
        foreach (var (name, value) in headers)
        {
            sb.Append(name).Append(": ").Append(value).Append('\n');
        }

        sb.Append('\n');
        await SendRawAsync(sb.ToString());
        return await ReadReplyAsync();
    }

    /// <summary>Reads until a command/reply or api/response, buffering events.</summary>
    public async Task<EslFrame> ReadReplyAsync(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            var frame = await ReadFrameAsync(limit - deadline.Elapsed);
            if (frame.IsEvent)
            {
                Keep(frame.ToEvent());
                continue;
            }

            return frame;
        }
    }

    /// <summary>The body of <c>api &lt;command&gt;</c>.</summary>
    public async Task<string> ApiAsync(string command, TimeSpan? timeout = null)
    {
        await SendRawAsync($"api {command}\n\n");
        var reply = await ReadReplyAsync(timeout ?? TimeSpan.FromSeconds(90));
        if (reply.ContentType != "api/response")
        {
            throw new InvalidOperationException($"Expected api/response, got {reply.ContentType}: {reply.ReplyText}");
        }

        return reply.BodyText;
    }

    /// <summary>Returns (and removes) the first buffered or incoming event that matches.</summary>
    public async Task<EslEvent> WaitForEventAsync(Func<EslEvent, bool> predicate, TimeSpan? timeout = null)
    {
        var found = Events.FirstOrDefault(predicate);
        if (found is not null)
        {
            Events.Remove(found);
            return found;
        }

        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            var remaining = limit - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException("No matching event. Received: " + string.Join(" | ", AllEvents.TakeLast(20)));
            }

            EslFrame frame;
            try
            {
                frame = await ReadFrameAsync(remaining);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("No matching event. Received: " + string.Join(" | ", AllEvents.TakeLast(20)));
            }

            if (!frame.IsEvent)
            {
                throw new InvalidOperationException($"Unexpected {frame.ContentType} frame while waiting for an event: {frame.ReplyText}{frame.BodyText}");
            }

            var e = frame.ToEvent();
            if (predicate(e))
            {
                AllEvents.Add(e);
                return e;
            }

            Keep(e);
        }
    }

    public Task<EslEvent> WaitForEventAsync(string name, string? uniqueId = null, TimeSpan? timeout = null) =>
        WaitForEventAsync(e => e.Name == name && (uniqueId is null || e["Unique-ID"] == uniqueId), timeout);

    /// <summary>Reads one frame: headers up to the blank line, then Content-Length bytes.</summary>
    public async Task<EslFrame> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout is { } t && t > TimeSpan.Zero ? t : (timeout is null ? DefaultTimeout : TimeSpan.FromMilliseconds(1)));
        try
        {
            var headerEnd = await FillUntilAsync(() => IndexOfBlankLine(), cts.Token);
            var headerBytes = _buffer.AsSpan(_start, headerEnd - _start).ToArray();
            _start = headerEnd;
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var line in Encoding.UTF8.GetString(headerBytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                headers.Add(colon > 0 ? new(line[..colon], line[(colon + 2)..]) : new(line, string.Empty));
            }

            var length = 0;
            var lengthHeader = headers.FirstOrDefault(h => h.Key == "Content-Length").Value;
            if (lengthHeader is not null)
            {
                length = int.Parse(lengthHeader, System.Globalization.CultureInfo.InvariantCulture);
            }

            var body = new byte[length];
            var copied = 0;
            while (copied < length)
            {
                if (_end == _start)
                {
                    await ReadMoreAsync(cts.Token);
                }

                var n = Math.Min(length - copied, _end - _start);
                _buffer.AsSpan(_start, n).CopyTo(body.AsSpan(copied));
                _start += n;
                copied += n;
            }

            return new EslFrame(headers, headerBytes, body);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No frame within the timeout.");
        }
    }

    /// <summary>Reads until the server closes the socket; returns the frames it sent first.</summary>
    public async Task<List<EslFrame>> ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var frames = new List<EslFrame>();
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            try
            {
                frames.Add(await ReadFrameAsync(limit - deadline.Elapsed));
            }
            catch (EndOfStreamException)
            {
                return frames;
            }
            catch (IOException)
            {
                return frames;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private void Keep(EslEvent e)
    {
        Events.Add(e);
        AllEvents.Add(e);
    }

    private int IndexOfBlankLine()
    {
        for (var i = _start; i + 1 < _end; i++)
        {
            if (_buffer[i] == '\n' && _buffer[i + 1] == '\n')
            {
                return i + 2;
            }
        }

        return -1;
    }

    private async Task<int> FillUntilAsync(Func<int> find, CancellationToken token)
    {
        while (true)
        {
            var index = find();
            if (index >= 0)
            {
                return index;
            }

            await ReadMoreAsync(token);
        }
    }

    private async Task ReadMoreAsync(CancellationToken token)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("Frame larger than the test client's buffer.");
        }

        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), token);
        if (n == 0)
        {
            throw new EndOfStreamException();
        }

        _end += n;
    }
}
