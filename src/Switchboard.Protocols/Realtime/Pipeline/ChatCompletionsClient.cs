using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>
/// Streams chat completions from any OpenAI-compatible server (<c>POST {base}/chat/completions</c> with
/// <c>stream:true</c>, reference §4.2): text deltas as they come, tool calls assembled by <c>index</c>.
/// </summary>
public sealed class ChatCompletionsClient
{
    private const string ProviderName = "Chat completions";
    private const int MaxLineLength = 1 << 20;

    private readonly HttpClient _http;
    private readonly ChatCompletionsOptions _options;

    public ChatCompletionsClient(HttpClient http, ChatCompletionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
    }

    /// <summary>
    /// Sends the conversation and yields <see cref="ChatContentDelta"/>s, then one <see cref="ChatCompletionFinished"/>.
    /// Cancelling <paramref name="cancellationToken"/> aborts the HTTP stream. Throws <see cref="ProviderHttpException"/>
    /// for an HTTP error status or an error inside the stream.
    /// </summary>
    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(
        IReadOnlyList<ChatMessage> messages,
        IReadOnlyList<ToolDefinition> tools,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(EnsureSlash(_options.BaseUrl), "chat/completions"));
        if (_options.ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Content = new ByteArrayContent(BuildRequestBody(messages, tools));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw ErrorFromBody((int)response.StatusCode, body);
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var assembler = new ToolCallAssembler();
        var content = new StringBuilder();
        var data = new StringBuilder();
        string? finishReason = null;
        ChatUsage? usage = null;
        while (true)
        {
            string? line = await reader.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                throw new ProviderHttpException(ProviderName + " stream ended without [DONE].");
            }

            if (line.Length > MaxLineLength)
            {
                throw new ProviderHttpException(ProviderName + " sent an SSE line over " + MaxLineLength + " characters.");
            }

            if (line.Length > 0)
            {
                // SSE: "data:" fields accumulate (joined by \n) until a blank line; comments and other fields are ignored.
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    string value = line.Length > 5 && line[5] == ' ' ? line[6..] : line[5..];
                    data.Append(data.Length > 0 ? "\n" : string.Empty).Append(value);
                }

                continue;
            }

            if (data.Length == 0)
            {
                continue;
            }

            string payload = data.ToString();
            data.Clear();
            if (payload == "[DONE]")
            {
                yield return new ChatCompletionFinished(content.ToString(), assembler.Build(), finishReason, usage);
                yield break;
            }

            string? text = ParseChunk(payload, assembler, ref finishReason, ref usage);
            if (!string.IsNullOrEmpty(text))
            {
                content.Append(text);
                yield return new ChatContentDelta(text);
            }
        }
    }

    internal byte[] BuildRequestBody(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition> tools)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", _options.Model);
            json.WriteBoolean("stream", true);
            if (_options.IncludeUsage)
            {
                json.WriteStartObject("stream_options");
                json.WriteBoolean("include_usage", true);
                json.WriteEndObject();
            }

            if (_options.MaxTokens is int maxTokens)
            {
                json.WriteNumber("max_tokens", maxTokens);
            }

            json.WriteStartArray("messages");
            foreach (ChatMessage message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role);
                if (message.Content is null)
                {
                    json.WriteNull("content");
                }
                else
                {
                    json.WriteString("content", message.Content);
                }

                if (message.ToolCalls is { Count: > 0 })
                {
                    json.WriteStartArray("tool_calls");
                    foreach (ChatToolCall call in message.ToolCalls)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", call.Id);
                        json.WriteString("type", "function");
                        json.WriteStartObject("function");
                        json.WriteString("name", call.Name);
                        json.WriteString("arguments", call.ArgumentsJson);
                        json.WriteEndObject();
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                if (message.ToolCallId is not null)
                {
                    json.WriteString("tool_call_id", message.ToolCallId);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (tools.Count > 0)
            {
                json.WriteStartArray("tools");
                foreach (ToolDefinition tool in tools)
                {
                    json.WriteStartObject();
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", tool.Name);
                    json.WriteString("description", tool.Description);
                    json.WritePropertyName("parameters");
                    using (var schema = JsonDocument.Parse(tool.ParametersJsonSchema))
                    {
                        schema.RootElement.WriteTo(json);
                    }

                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("tool_choice", "auto");
                json.WriteBoolean("parallel_tool_calls", _options.ParallelToolCalls);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? ParseChunk(string payload, ToolCallAssembler assembler, ref string? finishReason, ref ChatUsage? usage)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException ex)
        {
            throw new ProviderHttpException(ProviderName + " sent a chunk that is not JSON.", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
            {
                (string? code, string message) = ReadError(error);
                throw new ProviderHttpException(ProviderName, 0, code, message);
            }

            if (root.TryGetProperty("usage", out JsonElement u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = new ChatUsage(
                    u.TryGetProperty("prompt_tokens", out JsonElement p) ? p.GetInt64() : 0,
                    u.TryGetProperty("completion_tokens", out JsonElement c) ? c.GetInt64() : 0);
            }

            if (!root.TryGetProperty("choices", out JsonElement choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                return null;
            }

            JsonElement choice = choices[0];
            if (choice.TryGetProperty("finish_reason", out JsonElement finish) && finish.ValueKind == JsonValueKind.String)
            {
                finishReason = finish.GetString();
            }

            // delta can be null (Azure content filter, §4.2).
            if (!choice.TryGetProperty("delta", out JsonElement delta) || delta.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (delta.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
            {
                int position = 0;
                foreach (JsonElement call in calls.EnumerateArray())
                {
                    int index = call.TryGetProperty("index", out JsonElement i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : position;
                    string? id = call.TryGetProperty("id", out JsonElement idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
                    string? name = null;
                    string? arguments = null;
                    if (call.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.Object)
                    {
                        name = function.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                        arguments = function.TryGetProperty("arguments", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                    }

                    assembler.Add(index, id, name, arguments);
                    position++;
                }
            }

            return delta.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String ? content.GetString() : null;
        }
    }

    private static ProviderHttpException ErrorFromBody(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out JsonElement error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    (string? code, string message) = ReadError(error);
                    return new ProviderHttpException(ProviderName, status, code, message);
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    // Ollama: {"error":"model 'x' not found"}
                    return new ProviderHttpException(ProviderName, status, null, error.GetString() ?? string.Empty);
                }
            }
        }
        catch (JsonException)
        {
        }

        return new ProviderHttpException(ProviderName, status, null, body.Length > 500 ? body[..500] : body);
    }

    private static (string? Code, string Message) ReadError(JsonElement error)
    {
        string message = error.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? string.Empty : error.GetRawText();
        string? code = error.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString()
            : error.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return (code, message);
    }

    private static Uri EnsureSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    /// <summary>Accumulates streamed tool-call fragments: keyed by index, id/name once, arguments concatenated (§4.2).</summary>
    private sealed class ToolCallAssembler
    {
        private readonly List<(int Index, string? Id, string? Name, StringBuilder Arguments)> _calls = [];

        public void Add(int index, string? id, string? name, string? arguments)
        {
            int slot = _calls.FindLastIndex(c => c.Index == index);

            // A new index, or a new id at a known index, starts the next call.
            if (slot < 0 || (id is not null && _calls[slot].Id is not null && _calls[slot].Id != id))
            {
                _calls.Add((index, id, name, new StringBuilder()));
                slot = _calls.Count - 1;
            }

            (int i, string? currentId, string? currentName, StringBuilder args) = _calls[slot];
            _calls[slot] = (i, currentId ?? id, currentName ?? name, args);
            args.Append(arguments);
        }

        public IReadOnlyList<ChatToolCall> Build() =>
            [.. _calls.Select(c => new ChatToolCall(
                string.IsNullOrEmpty(c.Id) ? "call_" + Guid.NewGuid().ToString("N")[..24] : c.Id, // some local servers send no id
                c.Name ?? string.Empty,
                c.Arguments.Length == 0 ? "{}" : c.Arguments.ToString()))];
    }
}
