using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Fakes.Pipeline;

/// <summary>
/// A strict OpenAI-compatible <c>POST /v1/chat/completions</c> server (reference §4.2) streaming scripted SSE chunks:
/// validates auth, model, message roles and ordering, and the tools schema the way OpenAI does, records every request
/// body, and can split the byte stream at arbitrary points to exercise the client's SSE parser.
/// </summary>
public sealed partial class ChatCompletionsFake : IAsyncDisposable
{
    // OpenAI refuses unknown request arguments ("Unrecognized request argument supplied").
    private static readonly HashSet<string> KnownFields =
    [
        "model", "messages", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls", "max_tokens",
        "max_completion_tokens", "temperature", "top_p", "stop", "user", "seed", "response_format", "n",
    ];

    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    private readonly FakeServer _server;
    private readonly ConcurrentQueue<ChatScript> _scripts = new();
    private readonly ConcurrentQueue<JsonNode> _requests = new();

    private ChatCompletionsFake(FakeServer server, string? apiKey, string model)
    {
        _server = server;
        ApiKey = apiKey;
        Model = model;
    }

    /// <summary>Required Bearer key; null accepts any or none (Ollama).</summary>
    public string? ApiKey { get; }

    public string Model { get; }

    /// <summary><c>http://127.0.0.1:port/v1/</c>.</summary>
    public Uri BaseUrl => new(_server.BaseAddress, "v1/");

    /// <summary>Every accepted request body, in order.</summary>
    public IReadOnlyList<JsonNode> Requests => [.. _requests];

    /// <summary>Set once a streaming response was aborted by the client.</summary>
    public TaskCompletionSource ClientAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<ChatCompletionsFake> StartAsync(string? apiKey = "sk-test", string model = "gpt-4o-mini")
    {
        ChatCompletionsFake? fake = null;
        FakeServer server = await FakeServer.StartAsync(app => app.MapPost("/v1/chat/completions", (HttpContext context) => fake!.HandleAsync(context)));
        fake = new ChatCompletionsFake(server, apiKey, model);
        return fake;
    }

    /// <summary>Answers the next request with these chunk payloads (each becomes <c>data: …</c>), then <c>[DONE]</c>.</summary>
    /// <param name="chunks">Chunk payloads.</param>
    /// <param name="splitSeed">Split the response bytes at seeded random points, flushing each piece.</param>
    /// <param name="stallAfterChunks">Send the chunks, then hold the response open until the client aborts.</param>
    /// <param name="omitDone">End the response after the chunks without <c>[DONE]</c> (a stream cut short).</param>
    public void Enqueue(IEnumerable<string> chunks, int? splitSeed = null, bool stallAfterChunks = false, bool omitDone = false) =>
        _scripts.Enqueue(new ChatScript([.. chunks], splitSeed, stallAfterChunks, 200, null, omitDone));

    /// <summary>Answers the next request with an HTTP error in OpenAI's error shape.</summary>
    public void EnqueueError(int status, string message, string code) =>
        _scripts.Enqueue(new ChatScript([], null, false, status, (message, code), false));

    /// <summary>A content delta chunk.</summary>
    public static string Content(string text) =>
        Chunk(new JsonObject { ["content"] = text });

    /// <summary>A tool-call fragment for <paramref name="index"/>; id/name only in the first fragment of a call.</summary>
    public static string ToolCallFragment(int index, string? id, string? name, string arguments)
    {
        var function = new JsonObject();
        if (name is not null)
        {
            function["name"] = name;
        }

        function["arguments"] = arguments;
        var call = new JsonObject { ["index"] = index };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }

        call["function"] = function;
        return Chunk(new JsonObject { ["tool_calls"] = new JsonArray(call) });
    }

    public static string Finish(string reason) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = reason }),
        }.ToJsonString();

    public static string Usage(int prompt, int completion) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["choices"] = new JsonArray(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion },
        }.ToJsonString();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static string Chunk(JsonObject delta) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1767225600,
            ["model"] = "gpt-4o-mini",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null }),
        }.ToJsonString();

    private async Task HandleAsync(HttpContext context)
    {
        // §4.2: Authorization: Bearer <key>.
        if (ApiKey is not null && context.Request.Headers.Authorization != "Bearer " + ApiKey)
        {
            await ErrorAsync(context, 401, "Incorrect API key provided.", "invalid_api_key");
            return;
        }

        if (context.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.Ordinal))
        {
            await ErrorAsync(context, 400, "Content-Type must be application/json.", "invalid_request_error");
            return;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            await ErrorAsync(context, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
            return;
        }

        string? problem = body is JsonObject o ? Validate(o) : "The body must be a JSON object.";
        if (problem is not null)
        {
            await ErrorAsync(context, 400, problem, "invalid_request_error");
            return;
        }

        _requests.Enqueue(body!);
        if (!_scripts.TryDequeue(out ChatScript? script))
        {
            await ErrorAsync(context, 500, "The fake has no scripted answer.", "server_error");
            return;
        }

        if (script.Error is { } error)
        {
            await ErrorAsync(context, script.Status, error.Message, error.Code);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        var text = new StringBuilder();
        foreach (string chunk in script.Chunks)
        {
            text.Append("data: ").Append(chunk).Append("\n\n");
        }

        try
        {
            if (script.StallAfterChunks)
            {
                await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            if (!script.OmitDone)
            {
                text.Append("data: [DONE]\n\n");
            }

            byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
            if (script.SplitSeed is int seed)
            {
                // Byte-level splits (even inside a UTF-8 sequence), each piece flushed as its own write.
                var random = new Random(seed);
                int offset = 0;
                while (offset < bytes.Length)
                {
                    int length = Math.Min(bytes.Length - offset, random.Next(1, 40));
                    await context.Response.Body.WriteAsync(bytes.AsMemory(offset, length), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    offset += length;
                }
            }
            else
            {
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            ClientAborted.TrySetResult();
        }
    }

    private string? Validate(JsonObject body)
    {
        foreach ((string name, _) in body)
        {
            if (!KnownFields.Contains(name))
            {
                return $"Unrecognized request argument supplied: {name}";
            }
        }

        if (body["model"]?.GetValueKind() != JsonValueKind.String || body["model"]!.GetValue<string>() != Model)
        {
            return $"The model `{body["model"]}` does not exist or you do not have access to it.";
        }

        if (body["stream"]?.GetValueKind() != JsonValueKind.True)
        {
            return "This fake only streams: stream must be true.";
        }

        if (body["messages"] is not JsonArray messages || messages.Count == 0)
        {
            return "[] is too short - 'messages'";
        }

        var openCalls = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || message["role"]?.GetValueKind() != JsonValueKind.String)
            {
                return $"messages[{i}] needs a role.";
            }

            string role = message["role"]!.GetValue<string>();
            if (!Roles.Contains(role))
            {
                return $"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.";
            }

            JsonValueKind content = message.TryGetPropertyValue("content", out JsonNode? c) ? (c?.GetValueKind() ?? JsonValueKind.Null) : JsonValueKind.Undefined;
            if (role == "tool")
            {
                // A tool message answers a tool_call of the preceding assistant message.
                if (message["tool_call_id"]?.GetValueKind() != JsonValueKind.String || !openCalls.Remove(message["tool_call_id"]!.GetValue<string>()))
                {
                    return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
                }

                if (content != JsonValueKind.String)
                {
                    return $"messages[{i}].content must be a string.";
                }

                continue;
            }

            if (openCalls.Count > 0)
            {
                return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
            }

            if (role == "assistant" && message["tool_calls"] is JsonArray calls)
            {
                foreach (JsonNode? call in calls)
                {
                    if (call?["id"]?.GetValueKind() != JsonValueKind.String || call["type"]?.GetValue<string>() != "function"
                        || call["function"]?["name"]?.GetValueKind() != JsonValueKind.String || call["function"]?["arguments"]?.GetValueKind() != JsonValueKind.String)
                    {
                        return $"messages[{i}].tool_calls entries need id, type 'function', function.name and function.arguments (a string).";
                    }

                    openCalls.Add(call["id"]!.GetValue<string>());
                }

                if (content is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return $"messages[{i}].content must be a string or null.";
                }
            }
            else if (content != JsonValueKind.String)
            {
                return $"messages[{i}].content must be a string.";
            }
        }

        if (openCalls.Count > 0)
        {
            return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
        }

        if (body["tools"] is JsonNode toolsNode)
        {
            if (toolsNode is not JsonArray tools)
            {
                return "tools must be an array.";
            }

            foreach (JsonNode? tool in tools)
            {
                if (tool?["type"]?.GetValue<string>() != "function" || tool["function"] is not JsonObject function)
                {
                    return "tools[].type must be 'function' with a function object.";
                }

                if (function["name"]?.GetValueKind() != JsonValueKind.String || !ToolName().IsMatch(function["name"]!.GetValue<string>()))
                {
                    return "Invalid 'tools[].function.name': string does not match pattern '^[a-zA-Z0-9_-]{1,64}$'.";
                }

                if (function["parameters"] is JsonNode parameters && (parameters is not JsonObject p || p["type"]?.GetValue<string>() != "object"))
                {
                    return "Invalid schema for function: schema must be a JSON Schema of 'type: \"object\"'.";
                }
            }
        }

        if (body["tool_choice"] is JsonNode choice && choice.GetValueKind() == JsonValueKind.String && choice.GetValue<string>() is not ("auto" or "none" or "required"))
        {
            return "Invalid value for tool_choice.";
        }

        if (body["tool_choice"] is not null && body["tools"] is null)
        {
            return "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
        }

        return null;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        string type = status switch
        {
            401 => "invalid_request_error",
            429 => "insufficient_quota",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        };
        await context.Response.WriteAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        }.ToJsonString());
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolName();

    private sealed record ChatScript(string[] Chunks, int? SplitSeed, bool StallAfterChunks, int Status, (string Message, string Code)? Error, bool OmitDone);
}
