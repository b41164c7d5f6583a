using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox.Tests.Media.Support;

/// <summary>
/// The "product side" of mod_audio_stream for tests: a real Kestrel WebSocket server on a loopback
/// port 0 that records every message it receives and lets the test send text, binary and close frames.
/// </summary>
public sealed class StreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<StreamConnection> _connections = Channel.CreateUnbounded<StreamConnection>();
    private readonly TaskCompletionSource _firstUpgrade = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StreamServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>While set, upgrade requests wait for this task before the handshake is answered.</summary>
    public Task? UpgradeGate { get; set; }

    /// <summary>Completes when the first upgrade request has arrived (before the gate).</summary>
    public Task FirstUpgradeRequest => _firstUpgrade.Task;

    /// <summary>A <c>ws://127.0.0.1:port/…</c> URL on this server.</summary>
    public Uri Url(string pathAndQuery = "/stream") => new(BaseUrl, pathAndQuery);

    public static async Task<StreamServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        StreamServer? server = null;
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            server!._firstUpgrade.TrySetResult();
            if (server.UpgradeGate is { } gate)
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(10));
            }

            WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            var connection = new StreamConnection(socket, context.Request.Path + context.Request.QueryString);
            await server._connections.Writer.WriteAsync(connection);
            await connection.ReceiveUntilClosedAsync();
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        server = new StreamServer(app, url);
        return server;
    }

    /// <summary>The next WebSocket connection the server accepted.</summary>
    public async Task<StreamConnection> AcceptAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One message received by the <see cref="StreamServer"/>.</summary>
public sealed record ReceivedMessage(WebSocketMessageType Type, byte[] Data, long Timestamp)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>One accepted WebSocket on the <see cref="StreamServer"/>.</summary>
public sealed class StreamConnection
{
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly TaskCompletionSource<(WebSocketCloseStatus? Status, string? Description)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _binaryCount;

    public StreamConnection(WebSocket socket, string pathAndQuery)
    {
        _socket = socket;
        PathAndQuery = pathAndQuery;
    }

    public string PathAndQuery { get; }

    /// <summary>Binary messages received so far.</summary>
    public int BinaryCount => Volatile.Read(ref _binaryCount);

    /// <summary>Completes when the client's close frame (or the end of the connection) arrives.</summary>
    public Task<(WebSocketCloseStatus? Status, string? Description)> Closed => _closed.Task;

    /// <summary>The next message (bounded wait).</summary>
    public async Task<ReceivedMessage> ReceiveAsync(TimeSpan? timeout = null) =>
        await _messages.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>The next <paramref name="count"/> binary messages, skipping nothing (text in between fails the test).</summary>
    public async Task<List<ReceivedMessage>> ReceiveBinaryAsync(int count)
    {
        var result = new List<ReceivedMessage>(count);
        while (result.Count < count)
        {
            ReceivedMessage message = await ReceiveAsync();
            Assert.Equal(WebSocketMessageType.Binary, message.Type);
            result.Add(message);
        }

        return result;
    }

    /// <summary>Messages already received, without waiting.</summary>
    public List<ReceivedMessage> Drain()
    {
        var result = new List<ReceivedMessage>();
        while (_messages.Reader.TryRead(out ReceivedMessage? message))
        {
            result.Add(message);
        }

        return result;
    }

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendBinaryAsync(byte[] data) => SendAsync(data, WebSocketMessageType.Binary);

    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendAsync(byte[] data, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(data, type, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    internal async Task ReceiveUntilClosedAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                WebSocketReceiveResult result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult((result.CloseStatus, result.CloseStatusDescription));
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        Interlocked.Increment(ref _binaryCount);
                    }

                    await _messages.Writer.WriteAsync(new ReceivedMessage(result.MessageType, message.ToArray(), Stopwatch.GetTimestamp()));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            _closed.TrySetResult((null, exception.Message));
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }
}
