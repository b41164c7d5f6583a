using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;

namespace Switchboard.Server.Summaries;

/// <summary>A tenant's provider that can answer chat completions, ready to call.</summary>
public sealed record SummaryProvider(Guid ProviderId, string ProviderName, ChatCompletionsOptions Client);

/// <summary>
/// Summaries by a language model over any OpenAI-compatible <c>/chat/completions</c> server: the tenant's pipeline
/// provider (<c>llm_base_url</c>, <c>model</c>, secret <c>api_key</c>) or OpenAI account (secret <c>api_key</c>
/// against <see cref="ChatCompletionsOptions.OpenAiBaseUrl"/>; <c>summary_model</c> names the chat model).
/// </summary>
public sealed class ChatSummarizer
{
    public const string HttpClientName = "Switchboard.Summaries";
    private const int MaxTranscriptChars = 12_000;
    private const int MaxSummaryChars = 1_000;

    private readonly IHttpClientFactory _http;
    private readonly ProviderSecrets _secrets;
    private readonly SummariesOptions _options;
    private readonly TimeProvider _time;

    public ChatSummarizer(IHttpClientFactory http, ProviderSecrets secrets, IOptions<SummariesOptions> options, TimeProvider timeProvider)
    {
        _http = http;
        _secrets = secrets;
        _options = options.Value;
        _time = timeProvider;
    }

    /// <summary>
    /// The provider to summarise with: the secretary's own provider, then its fallback, then any other enabled provider
    /// of the tenant that can do chat completions and is within its monthly budget; null when there is none.
    /// </summary>
    public async Task<SummaryProvider?> FindProviderAsync(SwitchboardDbContext db, Guid? secretaryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        List<AiProvider> providers = await db.AiProviders.AsNoTracking()
            .Where(provider => provider.Enabled && (provider.Type == AiProviderType.Pipeline || provider.Type == AiProviderType.OpenAiRealtime))
            .ToListAsync(cancellationToken);
        var preferred = new List<Guid>();
        if (secretaryId is { } id
            && await db.Secretaries.AsNoTracking().Where(secretary => secretary.Id == id)
                .Select(secretary => new { secretary.ProviderId, secretary.FallbackProviderId }).FirstOrDefaultAsync(cancellationToken) is { } secretary)
        {
            preferred.AddRange(new[] { secretary.ProviderId, secretary.FallbackProviderId }.OfType<Guid>());
        }

        IEnumerable<AiProvider> ordered = providers
            .OrderBy(provider => preferred.IndexOf(provider.Id) is var at and >= 0 ? at : int.MaxValue)
            .ThenBy(provider => provider.Type == AiProviderType.Pipeline ? 0 : 1)
            .ThenBy(provider => provider.CreatedAt);
        foreach (AiProvider provider in ordered)
        {
            if (provider.BudgetMonthlyUsd is { } budget && provider.SpentThisMonthUsd >= budget)
            {
                continue;
            }

            if (ClientFor(provider) is { } client)
            {
                return new SummaryProvider(provider.Id, provider.Name, client);
            }
        }

        return null;
    }

    /// <summary>Asks the model for the summary; throws on an HTTP error, a broken stream, an empty answer or the timeout.</summary>
    public async Task<string> SummarizeAsync(SummaryProvider provider, SummaryInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(input);
        var client = new ChatCompletionsClient(_http.CreateClient(HttpClientName), provider.Client with { MaxTokens = _options.MaxTokens });
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        string? answer = null;
        try
        {
            await foreach (ChatStreamEvent item in client.StreamAsync(Prompt(input), [], linked.Token))
            {
                if (item is ChatCompletionFinished finished)
                {
                    answer = finished.Content;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No summary from {provider.ProviderName} within {_options.RequestTimeout}.");
        }

        string text = string.Join(' ', (answer ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0)
        {
            throw new ProviderHttpException($"{provider.ProviderName} answered with an empty summary.");
        }

        return text.Length <= MaxSummaryChars ? text : text[..(MaxSummaryChars - 1)].TrimEnd() + "…";
    }

    /// <summary>The summarising prompt: instructions in the system message, the call's facts and transcript as the user's.</summary>
    public static IReadOnlyList<ChatMessage> Prompt(SummaryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string instructions =
            $"You summarise phone calls answered by a virtual secretary for the person who follows them up. Write 2 to 4 short "
            + $"sentences in {input.Language}: who called, what they wanted (the person or department asked for), how the call "
            + "ended (transferred, message or ticket number taken, or ended) and the caller's message if there is one. Use only "
            + "facts from the call; plain text, no lists, no headings, no greeting.";

        var facts = new StringBuilder();
        facts.Append("Caller: ").Append(string.IsNullOrWhiteSpace(input.CallerName) ? "(no name)" : input.CallerName)
            .Append(", number ").Append(string.IsNullOrWhiteSpace(input.CallerNumber) ? "(unknown)" : input.CallerNumber).Append('\n');
        facts.Append("Outcome: ").Append(input.Outcome).Append(input.EndReason is null ? "" : $" ({input.EndReason})").Append('\n');
        foreach (SummaryTransfer transfer in input.Transfers)
        {
            facts.Append("Transfer to ").Append(transfer.DestinationName).Append(": ").Append(transfer.Result?.ToString() ?? "unfinished").Append('\n');
        }

        foreach (SummaryTicket ticket in input.Tickets)
        {
            facts.Append("Ticket #").Append(ticket.Number)
                .Append(ticket.IntendedDestination is null ? "" : $" for {ticket.IntendedDestination}")
                .Append(ticket.Reason is null ? "" : $" ({ticket.Reason})")
                .Append(": ").Append(ticket.Message.Length == 0 ? "(voice message)" : ticket.Message).Append('\n');
        }

        string transcript = string.Join('\n', input.Turns
            .Where(turn => turn.Speaker is ConversationSpeaker.Caller or ConversationSpeaker.Agent)
            .Select(turn => (turn.Speaker == ConversationSpeaker.Caller ? "Caller: " : "Secretary: ") + turn.Text));
        if (transcript.Length > MaxTranscriptChars)
        {
            // Keep the start (what was asked) and the end (how it ended).
            transcript = transcript[..(MaxTranscriptChars / 2)] + "\n…\n" + transcript[^(MaxTranscriptChars / 2)..];
        }

        facts.Append("\nTranscript:\n").Append(transcript.Length == 0 ? "(nothing was said)" : transcript);
        return [ChatMessage.System(instructions), ChatMessage.User(facts.ToString())];
    }

    private ChatCompletionsOptions? ClientFor(AiProvider provider)
    {
        Dictionary<string, string> settings;
        Dictionary<string, string> keys;
        try
        {
            settings = ReadSettings(provider.Settings);
            keys = _secrets.Unprotect(provider.ProtectedSecrets);
        }
        catch (Exception ex) when (ex is JsonException or CryptographicException)
        {
            return null;
        }

        string? apiKey = keys.GetValueOrDefault("api_key");
        Uri? baseUrl = settings.TryGetValue("llm_base_url", out string? url) && Uri.TryCreate(url, UriKind.Absolute, out Uri? parsed) ? parsed : null;
        string? summaryModel = settings.GetValueOrDefault("summary_model");
        return provider.Type switch
        {
            // A pipeline's LLM is a chat model; without a base URL it is OpenAI's, which needs the key.
            AiProviderType.Pipeline when baseUrl is not null || apiKey is not null => new ChatCompletionsOptions
            {
                BaseUrl = baseUrl ?? ChatCompletionsOptions.OpenAiBaseUrl,
                ApiKey = apiKey,
                Model = summaryModel ?? settings.GetValueOrDefault("model") ?? _options.DefaultModel,
            },

            // A realtime model does not answer chat completions: the same account's chat model does.
            AiProviderType.OpenAiRealtime when apiKey is not null => new ChatCompletionsOptions
            {
                BaseUrl = baseUrl ?? ChatCompletionsOptions.OpenAiBaseUrl,
                ApiKey = apiKey,
                Model = summaryModel ?? _options.DefaultModel,
            },
            _ => null,
        };
    }

    private static Dictionary<string, string> ReadSettings(string json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return values;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return values;
        }

        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                values[property.Name] = property.Value.GetString()!;
            }
        }

        return values;
    }
}
