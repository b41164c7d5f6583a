using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchboard.Sandbox.Media;

public sealed partial class AudioStreamSession
{
    private const int MaxMessageBytes = 32 * 1024 * 1024;

    private static readonly JsonWriterOptions BodyWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The session's one loop: connect, then receive (with the send loop beside it). Never throws.</summary>
    private async Task RunAsync()
    {
        await Task.Yield();
        try
        {
            await RunConnectionAsync();
        }
        catch (Exception exception)
        {
            // A bug rather than a transport failure: classify it as an IO error so the stream is torn down once.
            Log.StreamFailed(_logger, _channel.Uuid, exception);
            TearDown(1, exception.Message);
        }
        finally
        {
            _outbound.Writer.TryComplete();
        }
    }

    private async Task RunConnectionAsync()
    {
        CancellationToken abort = _abort.Token;
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _options.HeartBeat ?? TimeSpan.Zero;
        if (_options.ExtraHeaders is not null)
        {
            foreach (KeyValuePair<string, string> header in _options.ExtraHeaders)
            {
                socket.Options.SetRequestHeader(header.Key, header.Value);
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, abort);
            try
            {
                await socket.ConnectAsync(_options.Url, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
            {
                throw new TimeoutException($"Connection timed out after {_options.ConnectTimeout.TotalMilliseconds:0} ms");
            }

            if (_options.Metadata is not null)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(_options.Metadata), WebSocketMessageType.Text, endOfMessage: true, abort);
            }
        }
        catch (Exception exception) when (!abort.IsCancellationRequested)
        {
            string reason = exception.InnerException?.Message ?? exception.Message;
            Log.StreamConnectFailed(_logger, _channel.Uuid, _options.Url, reason);
            TearDown(6, $"Connect failed: {reason}");
            return;
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            return;
        }

        lock (_gate)
        {
            if (State != AudioStreamState.Connecting)
            {
                return; // stopped while connecting
            }

            _state = (int)AudioStreamState.Connected;
        }

        Log.StreamConnected(_logger, _channel.Uuid, _options.Url);
        Fire(AudioStreamEvents.Connect, ConnectedBody);
        _connected.TrySetResult(true);

        Task send = SendLoopAsync(socket, abort);
        Exception? failure = null;
        try
        {
            await ReceiveLoopAsync(socket, abort);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            if (!abort.IsCancellationRequested && State != AudioStreamState.Stopped)
            {
                failure = exception;
            }
        }

        if (failure is not null)
        {
            Log.StreamFailed(_logger, _channel.Uuid, failure);
            TearDown(1, failure.Message);
            await _abort.CancelAsync();
        }

        // Lets the send loop finish (it ends at the close marker or when the writer completes).
        _outbound.Writer.TryComplete();
        try
        {
            await send;
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    private async Task SendLoopAsync(ClientWebSocket socket, CancellationToken abort)
    {
        await Task.Yield();
        // No token on the wait: the writer is completed on every exit path, and the token-less wait reuses
        // the channel's singleton operation instead of allocating one per message.
        while (await _outbound.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (_outbound.Reader.TryRead(out Outbound message))
            {
                try
                {
                    switch (message.Kind)
                    {
                        case OutboundKind.Binary when socket.State == WebSocketState.Open:
                            if (_options.LatencyProbe && message.Length >= 2 * StreamLatencyProbe.Samples)
                            {
                                StreamLatencyProbe.Write(message.Buffer.AsSpan(0, message.Length), StreamLatencyProbe.Now());
                            }

                            await socket.SendAsync(message.Buffer.AsMemory(0, message.Length), WebSocketMessageType.Binary, endOfMessage: true, abort);
                            Interlocked.Increment(ref _messagesSent);
                            break;
                        case OutboundKind.Text when socket.State == WebSocketState.Open:
                            await socket.SendAsync(message.Buffer.AsMemory(0, message.Length), WebSocketMessageType.Text, endOfMessage: true, abort);
                            break;
                        case OutboundKind.Close when socket.State is WebSocketState.Open or WebSocketState.CloseReceived:
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, abort);
                            return; // whatever is still queued is released by DrainOutbound
                    }
                }
                finally
                {
                    Release(message);
                }
            }
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken abort)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes)
                    {
                        throw new WebSocketException(WebSocketError.HeaderError, "Message too big");
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), abort);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    OnServerClosed(socket);
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    HandleText(buffer.AsSpan(0, length));
                }

                // Binary frames from the server are ignored: the module registers no binary handler.
                length = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void OnServerClosed(ClientWebSocket socket)
    {
        lock (_gate)
        {
            if (State != AudioStreamState.Connected)
            {
                return; // our own close being acknowledged
            }

            _state = (int)AudioStreamState.Disconnected;
        }

        int code = (int)(socket.CloseStatus ?? WebSocketCloseStatus.Empty);
        string reason = string.IsNullOrEmpty(socket.CloseStatusDescription) ? DefaultCloseReason(code) : socket.CloseStatusDescription;
        Log.StreamClosedByServer(_logger, _channel.Uuid, code, reason);
        Fire(AudioStreamEvents.Disconnect, BuildBody(w =>
        {
            w.WriteString("status", "disconnected");
            w.WriteStartObject("message");
            w.WriteNumber("code", code);
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }));

        // Answer the close handshake; the bug stays attached but sends nothing until stop.
        _outbound.Writer.TryWrite(new Outbound(OutboundKind.Close, null, 0));
        _outbound.Writer.TryComplete();
    }

    private static string DefaultCloseReason(int code) => code switch
    {
        1000 => "Normal closure",
        1001 => "Going away",
        1002 => "Protocol error",
        1003 => "Unsupported data",
        1005 => "No status received",
        1006 => "Abnormal closure",
        1007 => "Invalid frame payload data",
        1008 => "Policy violation",
        1009 => "Message too big",
        1011 => "Internal error",
        _ => string.Empty,
    };

    /// <summary>Connect or transport failure: error event, detach, delete files (a new start is possible).</summary>
    private void TearDown(int code, string error)
    {
        lock (_gate)
        {
            if (State is AudioStreamState.Stopped or AudioStreamState.Failed)
            {
                return;
            }

            _state = (int)AudioStreamState.Failed;
        }

        Fire(AudioStreamEvents.Error, BuildBody(w =>
        {
            w.WriteString("status", "error");
            w.WriteStartObject("message");
            w.WriteNumber("code", code);
            w.WriteString("error", error);
            w.WriteEndObject();
        }));
        _suppressEvents = true;
        _channel.DetachAudioStream(this);
        _connected.TrySetResult(false);
        DeleteFiles();
    }

    private void HandleText(ReadOnlySpan<byte> utf8)
    {
        string? playBody = null;
        string? rejection = null;
        try
        {
            playBody = TryWriteStreamAudio(utf8, out rejection);
        }
        catch (JsonException)
        {
            rejection = null; // not JSON: an ordinary text message
        }

        if (playBody is not null)
        {
            Fire(AudioStreamEvents.Play, playBody);
            return;
        }

        if (rejection is not null)
        {
            Log.StreamAudioRejected(_logger, _channel.Uuid, rejection);
        }

        Fire(AudioStreamEvents.Json, Encoding.UTF8.GetString(utf8));
    }

    /// <summary>
    /// Writes a <c>streamAudio</c> payload to its file and returns the <c>play</c> event body, or null (with the
    /// reason when it was a streamAudio message) when the text must go out as a <c>json</c> event instead.
    /// </summary>
    private string? TryWriteStreamAudio(ReadOnlySpan<byte> utf8, out string? rejection)
    {
        rejection = null;
        var reader = new Utf8JsonReader(utf8);
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out JsonElement type)
            || type.ValueKind != JsonValueKind.String
            || !type.ValueEquals("streamAudio"u8))
        {
            return null;
        }

        if (!root.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Object)
        {
            rejection = "no data object";
            return null;
        }

        if (!data.TryGetProperty("audioDataType", out JsonElement dataType) || dataType.ValueKind != JsonValueKind.String)
        {
            rejection = "no audioDataType";
            return null;
        }

        string? extension = dataType.GetString() switch
        {
            "raw" => data.TryGetProperty("sampleRate", out JsonElement rate) && rate.ValueKind == JsonValueKind.Number && rate.TryGetInt32(out int hz)
                ? hz switch
                {
                    8000 => ".r8",
                    16000 => ".r16",
                    24000 => ".r24",
                    32000 => ".r32",
                    48000 => ".r48",
                    64000 => ".r64",
                    _ => null,
                }
                : null,
            "wav" => ".wav",
            "mp3" => ".mp3",
            "ogg" => ".ogg",
            _ => null,
        };
        if (extension is null)
        {
            rejection = "unsupported audioDataType or sampleRate";
            return null;
        }

        if (!data.TryGetProperty("audioData", out JsonElement audio) || audio.ValueKind != JsonValueKind.String)
        {
            rejection = "no audioData";
            return null;
        }

        if (!audio.TryGetBytesFromBase64(out byte[]? decoded))
        {
            rejection = "audioData is not valid base64";
            return null;
        }

        string path;
        lock (_gate)
        {
            if (State is AudioStreamState.Stopped or AudioStreamState.Failed)
            {
                return null;
            }

            path = Path.Combine(_options.TempDirectory, $"{_channel.Uuid}_{_fileCounter++}.tmp{extension}");
            _files.Add(path);
        }

        try
        {
            WriteFile(path, decoded);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The module does not check its file write either: the play event still names the file, and
            // playing it fails later with "Error Opening File".
            Log.StreamFileWriteFailed(_logger, _channel.Uuid, path, exception);
        }

        return BuildBody(w =>
        {
            foreach (JsonProperty property in data.EnumerateObject())
            {
                if (!property.NameEquals("audioData"u8))
                {
                    property.WriteTo(w);
                }
            }

            w.WriteString("file", path);
        });
    }

    private static void WriteFile(string path, byte[] contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        // Complete and closed before the play event is fired (Q3: readable at event time).
        using var stream = new FileStream(path, options);
        stream.Write(contents);
    }

    private static string BuildBody(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, BodyWriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
