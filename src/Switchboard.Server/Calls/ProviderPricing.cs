using Switchboard.Protocols.Realtime;
using Switchboard.Server.Secretaries;

namespace Switchboard.Server.Calls;

/// <summary>
/// Estimated cost of what a provider reported using, from its published per-1M-token prices
/// (reference/ai-providers.md §1.13 for OpenAI; Gemini Live native-audio list prices), and the estimated
/// cost per minute of each provider family for the console's mode picker. Estimates, not invoices.
/// </summary>
public static class ProviderPricing
{
    /// <summary>USD per 1M tokens: text in, audio in, text out, audio out.</summary>
    public readonly record struct TokenPrices(decimal TextIn, decimal AudioIn, decimal TextOut, decimal AudioOut);

    public static TokenPrices PricesFor(AiProviderType provider, string? model) => provider switch
    {
        AiProviderType.OpenAiRealtime when model?.Contains("mini", StringComparison.OrdinalIgnoreCase) == true => new(0.60m, 10m, 2.40m, 20m),
        AiProviderType.OpenAiRealtime when model?.StartsWith("gpt-realtime-2", StringComparison.OrdinalIgnoreCase) == true => new(4m, 32m, 24m, 64m),
        AiProviderType.OpenAiRealtime => new(4m, 32m, 16m, 64m),
        AiProviderType.GeminiLive => new(0.50m, 3m, 2m, 12m),
        _ => default,
    };

    /// <summary>Estimated cost of one response's usage.</summary>
    public static decimal Estimate(AiProviderType provider, string? model, VoiceAgentUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        TokenPrices prices = PricesFor(provider, model);
        long textIn = Math.Max(0, usage.InputTokens - usage.InputAudioTokens);
        long textOut = Math.Max(0, usage.OutputTokens - usage.OutputAudioTokens);
        decimal usd = (textIn * prices.TextIn) + (usage.InputAudioTokens * prices.AudioIn)
            + (textOut * prices.TextOut) + (usage.OutputAudioTokens * prices.AudioOut);
        return usd / 1_000_000m;
    }

    /// <summary>Typical cost of a minute of conversation, for the console and per-minute providers.</summary>
    public static decimal PerMinute(AiProviderType provider) => provider switch
    {
        // ~1,200 audio tokens out and ~600 in per minute plus context re-billing: users report ~$0.20/min.
        AiProviderType.OpenAiRealtime => 0.20m,
        AiProviderType.GeminiLive => 0.03m,
        AiProviderType.ElevenLabs => 0.10m,
        AiProviderType.Pipeline => 0.02m,
        _ => 0m,
    };
}
