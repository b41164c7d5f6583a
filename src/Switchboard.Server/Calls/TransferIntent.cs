namespace Switchboard.Server.Calls;

/// <summary>
/// Seed 1's keyword fallback, first half: whether the agent just told the caller it is transferring them ("Vou
/// transferir você para o financeiro") — when it said so without calling <c>transfer_call</c>, the call runs the
/// transfer itself from what the caller asked.
/// </summary>
public static class TransferIntent
{
    private static readonly string[] Phrases =
    [
        // pt-BR
        "vou transferir", "vou te transferir", "vou lhe transferir", "vou passar sua ligação", "vou passar a ligação",
        "vou encaminhar sua ligação", "transferindo sua ligação", "transferindo você", "vou conectar você",
        // en
        "i'll transfer you", "i will transfer you", "transferring you", "i'll put you through", "putting you through", "let me transfer you",
        // es
        "le transfiero", "voy a transferir", "lo transfiero", "la transfiero", "le paso con", "voy a pasar su llamada",
    ];

    public static bool Announced(string? agentText) =>
        !string.IsNullOrWhiteSpace(agentText)
        && Phrases.Any(phrase => agentText.Contains(phrase, StringComparison.OrdinalIgnoreCase));
}
