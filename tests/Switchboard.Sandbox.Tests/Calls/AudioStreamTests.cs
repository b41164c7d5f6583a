using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Sandbox.Tests.Media.Support;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary><c>uuid_audio_stream</c> end to end: the ESL command, the WebSocket the sandbox opens, the module's events.</summary>
public sealed class AudioStreamTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;
    private StreamServer _server = null!;

    public async Task InitializeAsync()
    {
        _bed = await SandboxTestBed.StartAsync();
        _server = await StreamServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Start_connects_sends_the_metadata_first_then_the_callers_audio_in_320_byte_frames()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CUSTOM mod_audio_stream::connect");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync(voice: CallerAudio.Tone(440));
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var url = _server.Url($"/stream/{call.Uuid}");

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {url} mono 8k {{\"call\":\"{call.Uuid}\"}}"));

        var connection = await _server.AcceptAsync();
        var first = await connection.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, first.Type);
        Assert.Equal($"{{\"call\":\"{call.Uuid}\"}}", first.Text);
        var connect = await events.WaitForEventAsync(e => e["Event-Subclass"] == "mod_audio_stream::connect");
        Assert.Equal(call.Uuid, connect["Unique-ID"]);
        Assert.Equal("{\"status\":\"connected\"}", connect.Body);
        var frames = await connection.ReceiveBinaryAsync(10);
        Assert.All(frames, f => Assert.Equal(320, f.Data.Length));
        Assert.Contains(frames, f => f.Data.Any(b => b != 0));
    }

    [Fact]
    public async Task Second_start_fails_while_a_stream_is_attached_and_stop_detaches_it()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CUSTOM mod_audio_stream::connect");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var url = _server.Url("/stream");

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {url} mono 16k"));
        var connection = await _server.AcceptAsync();
        await events.WaitForEventAsync(e => e["Event-Subclass"] == "mod_audio_stream::connect");
        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {url} mono 16k"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} pause"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} resume"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} stop {{\"reason\":\"transfer\"}}"));

        var last = await connection.ReceiveAsync();
        while (last.Type == WebSocketMessageType.Binary)
        {
            last = await connection.ReceiveAsync();
        }

        Assert.Equal("{\"reason\":\"transfer\"}", last.Text);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, (await connection.Closed.WaitAsync(TimeSpan.FromSeconds(5))).Status);
        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} stop"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {url} mono 8k"));
    }

    [Theory]
    [InlineData("http://127.0.0.1/stream mono 8k")]
    [InlineData("ws://bad_host/stream mono 8k")]
    [InlineData("ws://[::1]:8080/stream mono 8k")]
    [InlineData("ws://127.0.0.1:80a/stream mono 8k")]
    [InlineData("ws://127.0.0.1/stream Mono 8k")]
    [InlineData("ws://127.0.0.1/stream mono 24k")]
    [InlineData("ws://127.0.0.1/stream mono 44100")]
    public async Task Start_with_an_argument_the_module_rejects_fails(string arguments)
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);

        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {arguments}"));
        Assert.Null(call.AudioStream);
    }

    [Fact]
    public async Task Commands_without_a_stream_fail_and_send_text_without_text_prints_nothing()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);

        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} pause"));
        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} send_text hello"));
        Assert.Equal("-ERR no reply\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} send_text"));
        Assert.Equal("-ERR Operation Failed\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} graceful-shutdown"));
    }

    [Fact]
    public async Task Stream_audio_from_the_server_becomes_a_file_and_a_play_event_and_stop_deletes_it()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CUSTOM mod_audio_stream::connect mod_audio_stream::play mod_audio_stream::json");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {_server.Url("/stream")} mono 8k"));
        var connection = await _server.AcceptAsync();
        await events.WaitForEventAsync(e => e["Event-Subclass"] == "mod_audio_stream::connect");
        var audio = Convert.ToBase64String(new byte[1600]);

        await connection.SendTextAsync($"{{\"type\":\"streamAudio\",\"data\":{{\"audioDataType\":\"raw\",\"sampleRate\":8000,\"seq\":7,\"audioData\":\"{audio}\"}}}}");
        await connection.SendTextAsync("{\"transcript\":\"hello\"}");

        var play = await events.WaitForEventAsync(e => e["Event-Subclass"] == "mod_audio_stream::play");
        using var body = JsonDocument.Parse(play.Body!);
        var file = body.RootElement.GetProperty("file").GetString()!;
        Assert.Equal(Path.Combine(_bed.TempDirectory, $"{call.Uuid}_0.tmp.r8"), file);
        Assert.Equal(7, body.RootElement.GetProperty("seq").GetInt32());
        Assert.False(body.RootElement.TryGetProperty("audioData", out _));
        Assert.Equal(1600, new FileInfo(file).Length);
        var json = await events.WaitForEventAsync(e => e["Event-Subclass"] == "mod_audio_stream::json");
        Assert.Equal("{\"transcript\":\"hello\"}", json.Body);
        Assert.Equal(call.Uuid, json["Unique-ID"]);

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} stop"));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Stream_gets_no_frames_while_the_call_is_held()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CUSTOM mod_audio_stream::connect");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync(voice: CallerAudio.Tone(440), callerId: "5551001");
        var reference = await _bed.CallAsync(callerId: "5551002");
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        await events.WaitForEventAsync("CHANNEL_PARK", reference.Uuid);
        var ticks = new FrameCounter();
        reference.AttachMediaBug(ticks);
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {call.Uuid} start {_server.Url("/stream")} mono 8k"));
        var connection = await _server.AcceptAsync();
        await connection.ReceiveBinaryAsync(5);

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold {call.Uuid}"));
        await ticks.WaitForFramesAsync(ticks.Frames + 5);
        var frozen = connection.BinaryCount;
        await ticks.WaitForFramesAsync(ticks.Frames + 25);

        Assert.Equal(frozen, connection.BinaryCount);
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold off {call.Uuid}"));
        await connection.ReceiveBinaryAsync(5);
    }
}
