using System.Text.Json.Nodes;
using Switchboard.Fakes.Pipeline;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Protocols.Tests.Realtime.Pipeline;

public sealed class ChatCompletionsClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly ToolDefinition BookAppointment = new(
        "book_appointment",
        "Book a slot",
        """{"type":"object","properties":{"start":{"type":"string"}},"required":["start"]}""");

    [Fact]
    public async Task Sends_the_streaming_request_shape_and_yields_content_deltas()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        fake.Enqueue([ChatCompletionsFake.Content("Einen "), ChatCompletionsFake.Content("Moment."), ChatCompletionsFake.Finish("stop"), ChatCompletionsFake.Usage(120, 31)]);
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = fake.Model });

        List<ChatStreamEvent> events = await CollectAsync(client.StreamAsync(
            [ChatMessage.System("You are the receptionist."), ChatMessage.User("Kann ich morgen um 10 kommen?")], [BookAppointment], CancellationToken.None));

        Assert.Equal([new ChatContentDelta("Einen "), new ChatContentDelta("Moment.")], events[..2]);
        ChatCompletionFinished finished = Assert.IsType<ChatCompletionFinished>(events[2]);
        Assert.Equal("Einen Moment.", finished.Content);
        Assert.Empty(finished.ToolCalls);
        Assert.Equal("stop", finished.FinishReason);
        Assert.Equal(new ChatUsage(120, 31), finished.Usage);

        JsonNode request = Assert.Single(fake.Requests);
        Assert.Equal("gpt-4o-mini", (string?)request["model"]);
        Assert.True((bool?)request["stream"]);
        Assert.True((bool?)request["stream_options"]!["include_usage"]);
        Assert.Equal("system", (string?)request["messages"]![0]!["role"]);
        Assert.Equal("Kann ich morgen um 10 kommen?", (string?)request["messages"]![1]!["content"]);
        Assert.Equal("book_appointment", (string?)request["tools"]![0]!["function"]!["name"]);
        Assert.Equal("string", (string?)request["tools"]![0]!["function"]!["parameters"]!["properties"]!["start"]!["type"]);
        Assert.Equal("auto", (string?)request["tool_choice"]);
        Assert.False((bool?)request["parallel_tool_calls"]);
    }

    [Fact]
    public async Task Streamed_tool_calls_are_assembled_whatever_the_split_of_their_arguments()
    {
        const string Arguments = """{"start":"2026-09-01T10:00","name":"Zoë \"Q\" Ünal"}""";
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = fake.Model });

        // Every single split point of the arguments, then seeded random multi-way splits; the SSE bytes are split too.
        var cases = new List<(string Name, List<string> Pieces, int Seed)>();
        for (int split = 0; split <= Arguments.Length; split++)
        {
            cases.Add(($"split at {split}", [Arguments[..split], Arguments[split..]], split));
        }

        for (int seed = 1; seed <= 40; seed++)
        {
            var random = new Random(seed);
            var pieces = new List<string>();
            int offset = 0;
            while (offset < Arguments.Length)
            {
                int length = Math.Min(Arguments.Length - offset, random.Next(1, 8));
                pieces.Add(Arguments.Substring(offset, length));
                offset += length;
            }

            cases.Add(($"seed {seed}", pieces, 1000 + seed));
        }

        foreach ((string name, List<string> pieces, int seed) in cases)
        {
            var chunks = new List<string> { ChatCompletionsFake.Content("Einen Moment, ") };
            chunks.Add(ChatCompletionsFake.ToolCallFragment(0, "call_abc", "book_appointment", string.Empty));
            chunks.AddRange(pieces.Select(p => ChatCompletionsFake.ToolCallFragment(0, null, null, p)));
            chunks.Add(ChatCompletionsFake.Finish("tool_calls"));
            fake.Enqueue(chunks, splitSeed: seed);

            List<ChatStreamEvent> events = await CollectAsync(client.StreamAsync([ChatMessage.User("morgen 10")], [BookAppointment], CancellationToken.None));
            ChatCompletionFinished finished = Assert.IsType<ChatCompletionFinished>(events[^1]);
            ChatToolCall call = Assert.Single(finished.ToolCalls);
            Assert.True(new ChatToolCall("call_abc", "book_appointment", Arguments) == call, $"{name}: {call}");
            Assert.Equal("Einen Moment, ", finished.Content);
        }
    }

    [Fact]
    public async Task Two_calls_by_index_a_whole_call_in_one_chunk_and_a_missing_id_all_assemble()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        fake.Enqueue(
        [
            ChatCompletionsFake.ToolCallFragment(0, "call_1", "book_appointment", """{"start":"""),
            ChatCompletionsFake.ToolCallFragment(1, null, "lookup", """{"q":1}"""),
            ChatCompletionsFake.ToolCallFragment(0, null, null, "\"10:00\"}"),
            ChatCompletionsFake.Finish("stop"), // Ollama ends tool-call streams with "stop" (G21)
        ]);
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, Model = fake.Model, ApiKey = fake.ApiKey });

        List<ChatStreamEvent> events = await CollectAsync(client.StreamAsync([ChatMessage.User("x")], [], CancellationToken.None));
        ChatCompletionFinished finished = Assert.IsType<ChatCompletionFinished>(Assert.Single(events));
        Assert.Equal(2, finished.ToolCalls.Count);
        Assert.Equal(new ChatToolCall("call_1", "book_appointment", """{"start":"10:00"}"""), finished.ToolCalls[0]);
        Assert.Equal("lookup", finished.ToolCalls[1].Name);
        Assert.Equal("""{"q":1}""", finished.ToolCalls[1].ArgumentsJson);
        Assert.StartsWith("call_", finished.ToolCalls[1].Id, StringComparison.Ordinal);
        Assert.Equal("stop", finished.FinishReason);
    }

    [Fact]
    public async Task A_tool_result_continues_the_conversation_in_the_shape_the_server_accepts()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        fake.Enqueue([ChatCompletionsFake.Content("Gebucht.")]);
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = fake.Model });

        List<ChatStreamEvent> events = await CollectAsync(client.StreamAsync(
            [
                ChatMessage.User("morgen 10"),
                ChatMessage.Assistant(null, [new ChatToolCall("call_abc", "book_appointment", """{"start":"10:00"}""")]),
                ChatMessage.Tool("call_abc", """{"ok":true}"""),
            ],
            [BookAppointment],
            CancellationToken.None));

        Assert.Equal("Gebucht.", Assert.IsType<ChatCompletionFinished>(events[^1]).Content);
        JsonNode assistant = Assert.Single(fake.Requests)["messages"]![1]!;
        Assert.Null(assistant["content"]);
        Assert.Equal("""{"start":"10:00"}""", (string?)assistant["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("call_abc", (string?)fake.Requests[0]["messages"]![2]!["tool_call_id"]);
    }

    [Fact]
    public async Task The_fake_refuses_a_tool_message_without_its_call_like_OpenAI()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = fake.Model });
        ProviderHttpException error = await Assert.ThrowsAsync<ProviderHttpException>(
            () => CollectAsync(client.StreamAsync([ChatMessage.User("x"), ChatMessage.Tool("call_zzz", "{}")], [], CancellationToken.None)));
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("role 'tool'", error.ProviderMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "Incorrect API key provided.", "invalid_api_key")]
    [InlineData(429, "You exceeded your current quota.", "insufficient_quota")]
    [InlineData(500, "The server had an error.", "server_error")]
    public async Task HTTP_errors_become_exceptions_with_status_and_provider_message(int status, string message, string code)
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        fake.EnqueueError(status, message, code);
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = fake.Model });

        ProviderHttpException error = await Assert.ThrowsAsync<ProviderHttpException>(
            () => CollectAsync(client.StreamAsync([ChatMessage.User("x")], [], CancellationToken.None)));
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(message, error.ProviderMessage);
        Assert.Equal(code, error.ErrorCode);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_from_the_fake()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = "sk-wrong", Model = fake.Model });
        ProviderHttpException error = await Assert.ThrowsAsync<ProviderHttpException>(
            () => CollectAsync(client.StreamAsync([ChatMessage.User("x")], [], CancellationToken.None)));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("invalid_api_key", error.ErrorCode);
    }

    [Fact]
    public async Task Cancelling_mid_stream_aborts_the_HTTP_response()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync();
        fake.Enqueue([ChatCompletionsFake.Content("Hallo, ")], stallAfterChunks: true);
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = fake.Model });
        using var cancel = new CancellationTokenSource();

        var seen = new List<ChatStreamEvent>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatStreamEvent e in client.StreamAsync([ChatMessage.User("x")], [], cancel.Token))
            {
                seen.Add(e);
                await cancel.CancelAsync();
            }
        }).WaitAsync(Timeout);

        Assert.Equal([new ChatContentDelta("Hallo, ")], seen);
        await fake.ClientAborted.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_keyless_local_server_is_reached_without_a_key_and_a_stream_cut_short_before_DONE_is_an_error()
    {
        await using ChatCompletionsFake fake = await ChatCompletionsFake.StartAsync(apiKey: null, model: "llama3.1");
        fake.Enqueue([ChatCompletionsFake.Content("a")], omitDone: true);
        using var http = new HttpClient();
        var client = new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = fake.BaseUrl, Model = "llama3.1" });

        var seen = new List<ChatStreamEvent>();
        Task reading = Assert.ThrowsAsync<ProviderHttpException>(async () =>
        {
            await foreach (ChatStreamEvent e in client.StreamAsync([ChatMessage.User("x")], [], CancellationToken.None))
            {
                seen.Add(e);
            }
        });
        await reading.WaitAsync(Timeout);
        Assert.Single(seen);
    }

    private static async Task<List<ChatStreamEvent>> CollectAsync(IAsyncEnumerable<ChatStreamEvent> stream)
    {
        var events = new List<ChatStreamEvent>();
        using var timeout = new CancellationTokenSource(Timeout);
        await foreach (ChatStreamEvent e in stream.WithCancellation(timeout.Token))
        {
            events.Add(e);
        }

        return events;
    }
}
