using System.Net.WebSockets;
using System.Text;
using Switchboard.Fakes.Gemini;
using static Switchboard.Protocols.Tests.Realtime.Gemini.GeminiTestSupport;

namespace Switchboard.Protocols.Tests.Realtime.Gemini;

/// <summary>The fake refuses what the Live service refuses (ai-providers.md §3), so agent tests passing against it mean something.</summary>
public sealed class GeminiLiveFakeTests : IAsyncLifetime
{
    private const string Setup =
        """{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","generationConfig":{"responseModalities":["AUDIO"]}}}""";

    private GeminiLiveFake _fake = null!;

    public async Task InitializeAsync() => _fake = await GeminiLiveFake.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Theory]
    [InlineData("""{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","voice":"Kore"}}""", 1007)]
    [InlineData("""{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","generationConfig":{"responseModalities":["TEXT","AUDIO"]}}}""", 1007)]
    [InlineData("""{"setup":{"model":"models/gemini-live-2.5-flash-native-audio"}}""", 1008)]
    [InlineData("""{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","sessionResumption":{"handle":"never-issued"}}}""", 1007)]
    [InlineData("""{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","tools":[{"functionDeclarations":[{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}}]}]}}""", 1007)]
    [InlineData("""{"realtimeInput":{"text":"hello"}}""", 1007)]
    public async Task Refuses_a_bad_first_message_with_the_services_close_code(string first, int code)
    {
        using ClientWebSocket socket = await ConnectAsync(_fake.ApiKey);
        await SendAsync(socket, first);

        Assert.Equal(code, await ReadCloseAsync(socket));
        Assert.Empty(_fake.Sessions);
    }

    [Theory]
    [InlineData("""{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=8000","data":"AAAAAA=="}}}""")]
    [InlineData("""{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"AAAA"}}}""")] // 3 bytes: half a sample
    [InlineData("""{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"not base64!"}}}""")]
    [InlineData("""{"realtimeInput":{"mediaChunk":{"mimeType":"audio/pcm;rate=16000","data":"AAAAAA=="}}}""")]
    [InlineData("""{"toolResponse":{"functionResponses":[{"id":"nobody-asked","name":"f","response":{"output":1}}]}}""")]
    [InlineData("""{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025"}}""")]
    [InlineData("""{"response.create":{}}""")]
    public async Task Closes_with_1007_on_a_message_the_service_refuses_after_setup(string message)
    {
        using ClientWebSocket socket = await ConnectAsync(_fake.ApiKey);
        await SendAsync(socket, Setup);
        Assert.Contains("setupComplete", await ReadTextAsync(socket));
        await SendAsync(socket, """{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"AAAAAA=="}}}""");

        await SendAsync(socket, message);

        Assert.Equal(1007, await ReadCloseAsync(socket));
        GeminiFakeSession session = Assert.Single(_fake.Sessions);
        Assert.Equal(4, session.AudioBytes); // the valid audio before it was recorded
    }

    [Fact]
    public async Task Refuses_a_wrong_key_with_1008()
    {
        using ClientWebSocket socket = await ConnectAsync("wrong");
        await SendAsync(socket, Setup);

        Assert.Equal(1008, await ReadCloseAsync(socket));
    }

    [Fact]
    public async Task Answers_setup_in_a_binary_frame()
    {
        using ClientWebSocket socket = await ConnectAsync(_fake.ApiKey);
        await SendAsync(socket, Setup);

        byte[] buffer = new byte[4096];
        ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Bound);
        Assert.Equal(WebSocketMessageType.Binary, result.MessageType); // §3.1 / G14
        Assert.Equal("""{"setupComplete":{}}""", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    private async Task<ClientWebSocket> ConnectAsync(string key)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(_fake.Endpoint + "?key=" + key), CancellationToken.None).WaitAsync(Bound);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json).AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None).AsTask().WaitAsync(Bound);

    private static async Task<string> ReadTextAsync(ClientWebSocket socket)
    {
        byte[] buffer = new byte[1 << 16];
        ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Bound);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private static async Task<int> ReadCloseAsync(ClientWebSocket socket)
    {
        byte[] buffer = new byte[1 << 16];
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Bound);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (int)socket.CloseStatus!.Value;
            }
        }
    }
}
