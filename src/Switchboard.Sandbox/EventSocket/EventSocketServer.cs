using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox.EventSocket;

/// <summary>The inbound event socket listener (mod_event_socket) on a real TCP port.</summary>
internal sealed class EventSocketServer : IAsyncDisposable
{
    private readonly SwitchCore _core;
    private readonly ILogger _logger;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<EventSocketConnection, Task> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    public EventSocketServer(SwitchCore core, IPEndPoint endPoint, ILogger logger)
    {
        _core = core;
        _logger = logger;
        _listener = new TcpListener(endPoint);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public int ConnectionCount => _connections.Count;

    /// <summary>Cuts every client connection at once, as a network failure would; the listener stays up.</summary>
    public int DropConnections()
    {
        int dropped = 0;
        foreach (var connection in _connections.Keys)
        {
            connection.Sever();
            dropped++;
        }

        return dropped;
    }

    public void Start()
    {
        _listener.Start(512);
        Log.Listening(_logger, _listener.LocalEndpoint);
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (!token.IsCancellationRequested)
            {
                Log.AcceptFailed(_logger, ex);
                continue;
            }
            catch (SocketException)
            {
                break;
            }

            var connection = new EventSocketConnection(socket, _core, _logger, token);
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = RunConnectionAsync(connection, registered.Task);
            registered.SetResult();
        }
    }

    private async Task RunConnectionAsync(EventSocketConnection connection, Task registered)
    {
        await registered;
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }
}
