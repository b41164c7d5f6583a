using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Switchboard.Sandbox.Media;

namespace Switchboard.Server.Admin;

/// <summary>
/// <c>/admin/test-call/{uuid}/audio</c>: the browser's side of a microphone test call, over a WebSocket. Binary
/// messages from the browser are the caller's voice (PCM16 little-endian, mono, <see cref="TestCalls.MicrophoneSampleRate"/>)
/// fed to the sandbox call, which streams it to the secretary through <c>/stream</c> as FreeSWITCH would; binary
/// messages to the browser are what the caller hears (PCM16, 8 kHz, one 20 ms frame each), tapped from the call.
/// Same-origin, signed-in users, test calls of their own tenant only.
/// </summary>
public static class TestCallAudio
{
    public const int HeardSampleRate = 8000;

    public static IEndpointRouteBuilder MapTestCallAudio(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/test-call/{uuid}/audio", RelayAsync).RequireAuthorization();
        return app;
    }

    private static async Task RelayAsync(string uuid, HttpContext http, ConsoleSession session, TestCalls calls)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // A WebSocket is not bound by the same-origin policy: refuse pages of other sites using the console's cookie.
        string? origin = http.Request.Headers.Origin;
        if (origin is null || !Uri.TryCreate(origin, UriKind.Absolute, out Uri? originUri) || !string.Equals(originUri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        await session.EnsureAsync(http.User, http.Request.Cookies[ConsoleAccountEndpoints.TenantCookie]);
        if (session.TenantId is not { } tenantId || calls.Find(tenantId, uuid) is not { Microphone: { } microphone, Ended: false } call)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using WebSocket socket = await http.WebSockets.AcceptWebSocketAsync();
        var heard = new HeardAudio();
        call.Channel.AttachMediaBug(heard);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        Task sending = SendHeardAsync(socket, heard, done.Token);
        Task receiving = ReceiveVoiceAsync(socket, microphone, done.Token);
        Task hungUp = call.Channel.WaitForHangupAsync(done.Token);
        try
        {
            // Until the browser closes or the call ends.
            await Task.WhenAny(receiving, hungUp);
        }
        finally
        {
            call.Channel.DetachMediaBug(heard);
            heard.Complete();
            await done.CancelAsync();
            foreach (Task task in new[] { sending, receiving, hungUp })
            {
                try
                {
                    await task;
                }
                catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
                {
                    // The browser went away, or the relay was stopped.
                }
            }

            microphone.Clear();
        }
    }

    private static async Task ReceiveVoiceAsync(WebSocket socket, LiveAudioSource microphone, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        int carried = 0; // a byte of a sample split across messages
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(carried), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    }

                    return;
                }

                if (result.MessageType != WebSocketMessageType.Binary)
                {
                    carried = 0;
                    continue;
                }

                int bytes = carried + result.Count;
                int whole = bytes & ~1;
                microphone.Write(MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, whole)));
                carried = bytes - whole;
                if (carried == 1)
                {
                    buffer[0] = buffer[whole];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task SendHeardAsync(WebSocket socket, HeardAudio heard, CancellationToken cancellationToken)
    {
        await foreach (byte[] frame in heard.Frames.ReadAllAsync(cancellationToken))
        {
            try
            {
                await socket.SendAsync(frame.AsMemory(0, HeardAudio.FrameBytes), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    /// <summary>Taps what the caller hears, one pooled 20 ms frame at a time; drops the oldest when the browser lags.</summary>
    private sealed class HeardAudio : IMediaBug
    {
        public const int FrameBytes = 160 * sizeof(short);

        private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(50) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped => ArrayPool<byte>.Shared.Return(dropped));

        public ChannelReader<byte[]> Frames => _frames.Reader;

        public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
        {
            byte[] frame = ArrayPool<byte>.Shared.Rent(FrameBytes);
            MemoryMarshal.AsBytes(write[..Math.Min(write.Length, 160)]).CopyTo(frame);
            if (!_frames.Writer.TryWrite(frame))
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }

        public void Complete() => _frames.Writer.TryComplete();
    }
}
