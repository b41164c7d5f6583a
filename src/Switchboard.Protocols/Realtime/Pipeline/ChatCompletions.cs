namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>Where and how to reach an OpenAI-compatible <c>/chat/completions</c> server (reference §4.2).</summary>
public sealed record ChatCompletionsOptions
{
    public static readonly Uri OpenAiBaseUrl = new("https://api.openai.com/v1/");

    /// <summary>Base URL ending in <c>/v1/</c>: OpenAI, Groq (<c>…/openai/v1/</c>), Ollama (<c>http://localhost:11434/v1/</c>), vLLM.</summary>
    public Uri BaseUrl { get; init; } = OpenAiBaseUrl;

    /// <summary>Sent as <c>Authorization: Bearer</c>; null sends no header (local servers).</summary>
    public string? ApiKey { get; init; }

    public required string Model { get; init; }

    /// <summary><c>parallel_tool_calls</c>; false keeps one call per response, as a phone turn expects.</summary>
    public bool ParallelToolCalls { get; init; }

    /// <summary>Ask for <c>stream_options.include_usage</c> (some local servers refuse it).</summary>
    public bool IncludeUsage { get; init; } = true;

    public int? MaxTokens { get; init; }
}

/// <summary>One message of the conversation history.</summary>
public sealed record ChatMessage(string Role, string? Content, IReadOnlyList<ChatToolCall>? ToolCalls = null, string? ToolCallId = null)
{
    public static ChatMessage System(string content) => new("system", content);

    public static ChatMessage User(string content) => new("user", content);

    public static ChatMessage Assistant(string? content, IReadOnlyList<ChatToolCall>? toolCalls = null) =>
        new("assistant", content, toolCalls is { Count: > 0 } ? toolCalls : null);

    public static ChatMessage Tool(string toolCallId, string content) => new("tool", content, null, toolCallId);
}

/// <summary>A function call the model asked for, assembled from its streamed fragments.</summary>
public sealed record ChatToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>Token counts from the final usage chunk.</summary>
public sealed record ChatUsage(long PromptTokens, long CompletionTokens);

/// <summary>What a streamed completion yields.</summary>
public abstract record ChatStreamEvent;

/// <summary>A piece of the assistant's text, in order.</summary>
public sealed record ChatContentDelta(string Text) : ChatStreamEvent;

/// <summary>
/// The stream ended (<c>[DONE]</c>): the full text, every tool call assembled by index (act on these, not on
/// <paramref name="FinishReason"/>, which some servers leave at <c>stop</c>), and the usage if reported.
/// </summary>
public sealed record ChatCompletionFinished(string Content, IReadOnlyList<ChatToolCall> ToolCalls, string? FinishReason, ChatUsage? Usage) : ChatStreamEvent;

/// <summary>An HTTP API refused a request or broke off: status code and the provider's own error message.</summary>
public sealed class ProviderHttpException : Exception
{
    public ProviderHttpException()
    {
    }

    public ProviderHttpException(string message)
        : base(message)
    {
    }

    public ProviderHttpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProviderHttpException(string provider, int statusCode, string? errorCode, string providerMessage)
        : base($"{provider} answered HTTP {statusCode}{(errorCode is null ? string.Empty : " (" + errorCode + ")")}: {providerMessage}")
    {
        Provider = provider;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ProviderMessage = providerMessage;
    }

    public string? Provider { get; }

    /// <summary>HTTP status; 0 when the error came inside a stream.</summary>
    public int StatusCode { get; }

    public string? ErrorCode { get; }

    public string? ProviderMessage { get; }
}
