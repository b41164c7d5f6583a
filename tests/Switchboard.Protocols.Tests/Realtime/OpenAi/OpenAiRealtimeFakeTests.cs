using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Fakes.OpenAi;

namespace Switchboard.Protocols.Tests.Realtime.OpenAi;

/// <summary>The fake refuses what the GA service refuses (ai-providers.md §1.1–§1.5, §6 G1–G3), checked with a raw client.</summary>
public sealed class OpenAiRealtimeFakeTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static async Task<ClientWebSocket> ConnectAsync(OpenAiRealtimeFake fake, bool betaHeader = false)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + fake.ApiKey);
        if (betaHeader)
        {
            socket.Options.SetRequestHeader("OpenAI-Beta", "realtime=v1");
        }

        await socket.ConnectAsync(new Uri(fake.Endpoint + "?model=gpt-realtime"), CancellationToken.None).WaitAsync(Bounded);
        return socket;
    }

    private static async Task<JsonElement?> ReceiveAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(Bounded);
        var buffer = new byte[1 << 20];
        int count = 0;
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
            }
        }
    }

    private static async Task<JsonElement> ReceiveTypeAsync(WebSocket socket, string type)
    {
        while (true)
        {
            JsonElement? message = await ReceiveAsync(socket);
            Assert.NotNull(message);
            if (message.Value.GetProperty("type").GetString() == type)
            {
                return message.Value;
            }
        }
    }

    private static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Bounded);

    [Fact]
    public async Task A_beta_shaped_session_update_gets_beta_api_shape_disabled_and_close_4000()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        using ClientWebSocket socket = await ConnectAsync(fake);
        await ReceiveTypeAsync(socket, "session.created");

        await SendAsync(socket, """{"type":"session.update","session":{"modalities":["text","audio"],"input_audio_format":"g711_ulaw","voice":"alloy"}}""");

        JsonElement error = (await ReceiveTypeAsync(socket, "error")).GetProperty("error");
        Assert.Equal("beta_api_shape_disabled", error.GetProperty("code").GetString());
        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4000, (int)socket.CloseStatus!);
    }

    [Fact]
    public async Task The_OpenAI_Beta_header_gets_beta_api_shape_disabled_after_the_upgrade()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        using ClientWebSocket socket = await ConnectAsync(fake, betaHeader: true);

        JsonElement error = (await ReceiveTypeAsync(socket, "error")).GetProperty("error");
        Assert.Equal("beta_api_shape_disabled", error.GetProperty("code").GetString());
        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(4000, (int)socket.CloseStatus!);
    }

    [Theory]
    [InlineData("""{"output_modalities":["audio"]}""", "missing_required_parameter", "session.type")]
    [InlineData("""{"type":"realtime","temperature":0.8}""", "beta_api_shape_disabled", "session.temperature")]
    [InlineData("""{"type":"realtime","colour":"blue"}""", "unknown_parameter", "session.colour")]
    [InlineData("""{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcmu","rate":16000}}}}""", "invalid_value", "session.audio.input.format.rate")]
    [InlineData("""{"type":"realtime","audio":{"output":{"format":{"type":"audio/pcm"}}}}""", "missing_required_parameter", "session.audio.output.format.rate")]
    [InlineData("""{"type":"realtime","audio":{"output":{"format":{"type":"audio/pcm","rate":16000}}}}""", "invalid_value", "session.audio.output.format.rate")]
    [InlineData("""{"type":"realtime","audio":{"input":{"format":"pcm16"}}}""", "invalid_value", "session.audio.input.format")]
    [InlineData("""{"type":"realtime","audio":{"output":{"voice":"nova"}}}""", "invalid_value", "session.audio.output.voice")]
    [InlineData("""{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","threshold":1.5}}}}""", "invalid_value", "session.audio.input.turn_detection.threshold")]
    [InlineData("""{"type":"realtime","tools":[{"type":"function","function":{"name":"x"}}]}""", "unknown_parameter", "session.tools[0].function")]
    public async Task A_session_update_off_the_GA_shape_is_refused(string session, string code, string param)
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        using ClientWebSocket socket = await ConnectAsync(fake);
        await ReceiveTypeAsync(socket, "session.created");

        await SendAsync(socket, $$"""{"type":"session.update","event_id":"ev_1","session":{{session}}}""");

        JsonElement error = (await ReceiveTypeAsync(socket, "error")).GetProperty("error");
        Assert.Equal((code, param, "ev_1"), (error.GetProperty("code").GetString(), error.GetProperty("param").GetString(), error.GetProperty("event_id").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_valid_GA_session_update_is_echoed_in_session_updated()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        using ClientWebSocket socket = await ConnectAsync(fake);
        await ReceiveTypeAsync(socket, "session.created");

        await SendAsync(socket, """{"type":"session.update","session":{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcmu"}},"output":{"format":{"type":"audio/pcmu"},"voice":"marin"}}}}""");

        JsonElement audio = (await ReceiveTypeAsync(socket, "session.updated")).GetProperty("session").GetProperty("audio");
        Assert.Equal("audio/pcmu", audio.GetProperty("input").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal("marin", audio.GetProperty("output").GetProperty("voice").GetString());
        Assert.Equal("server_vad", audio.GetProperty("input").GetProperty("turn_detection").GetProperty("type").GetString()); // kept from the default
    }

    [Theory]
    [InlineData("""{"type":"input_audio_buffer.push","audio":""}""", "invalid_value")]
    [InlineData("""{"type":"response.create","response":{"temperature":0.7}}""", "unknown_parameter")]
    [InlineData("""{"type":"response.cancel"}""", "response_cancel_not_active")]
    [InlineData("""{"type":"input_audio_buffer.commit"}""", "input_audio_buffer_commit_empty")]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAE="}""", null)] // 2 bytes of PCM16: fine
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAEC"}""", "invalid_value")] // 3 bytes: not whole PCM16 samples
    [InlineData("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":"hi"}]}}""", "invalid_value")]
    [InlineData("""{"type":"conversation.item.truncate","item_id":"item_x","content_index":0,"audio_end_ms":10}""", "invalid_value")]
    public async Task Client_events_are_checked_against_the_GA_event_shapes(string json, string? code)
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        using ClientWebSocket socket = await ConnectAsync(fake);
        await ReceiveTypeAsync(socket, "session.created"); // default session: audio/pcm 24 kHz input

        await SendAsync(socket, json);
        await SendAsync(socket, """{"type":"input_audio_buffer.clear"}"""); // a marker: its reply follows any error

        JsonElement next = (await ReceiveAsync(socket))!.Value;
        if (code is null)
        {
            Assert.Equal("input_audio_buffer.cleared", next.GetProperty("type").GetString());
            Assert.Single(fake.AudioChunks);
        }
        else
        {
            Assert.Equal("error", next.GetProperty("type").GetString());
            Assert.Equal(code, next.GetProperty("error").GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_missing_bearer_key_is_refused_before_the_upgrade()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(fake.Endpoint + "?model=gpt-realtime"), CancellationToken.None).WaitAsync(Bounded));
        Assert.Equal(401, (int)socket.HttpStatusCode);
    }
}
