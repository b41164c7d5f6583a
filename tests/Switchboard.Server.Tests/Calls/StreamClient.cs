using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// Plays mod_audio_stream's side of <c>/stream</c> from a test: metadata text frame, then binary L16
/// frames; reads what the server sends back (streamAudio text frames, the close status and reason).
/// </summary>
public sealed class StreamClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket = new();

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public WebSocketState State => _socket.State;

    public static async Task<StreamClient> ConnectAsync(Uri uri)
    {
        var client = new StreamClient();
        await client._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Timeout);
        return client;
    }

    public static string Metadata(Guid domainUuid, string callUuid, int rate = 8000) =>
        JsonSerializer.Serialize(new { callUuid, domainUuid, domain = "test", destination = "8000", callerIdNumber = "+5511999990000", rate });

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);

    public Task SendBinaryAsync(byte[] data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>Reads until the server closes; returns the text frames received before that.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilClosedAsync()
    {
        var texts = new List<string>();
        while (true)
        {
            string? text = await ReceiveTextAsync();
            if (text is null)
            {
                return texts;
            }

            texts.Add(text);
        }
    }

    /// <summary>The next text frame, or null when the server closed.</summary>
    public async Task<string?> ReceiveTextAsync()
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await _socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Timeout);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Timeout);
                }

                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    return Encoding.UTF8.GetString(message.ToArray());
                }

                message.SetLength(0);
            }
        }
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "hangup", CancellationToken.None).WaitAsync(Timeout);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
