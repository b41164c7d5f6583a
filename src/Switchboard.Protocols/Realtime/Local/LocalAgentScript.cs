namespace Switchboard.Protocols.Realtime.Local;

/// <summary>What the local agent says and offers on one call: built from the secretary and its transfer destinations.</summary>
public sealed record LocalAgentScript
{
    /// <summary>Caller-facing language: <c>pt-BR</c> (default), <c>en-US</c> or <c>es</c> (any region of those three).</summary>
    public string Language { get; init; } = "pt-BR";

    /// <summary>The company the caller reached, named in the default greeting.</summary>
    public string CompanyName { get; init; } = "";

    /// <summary>The opening line; null = the language's default greeting with <see cref="CompanyName"/>.</summary>
    public string? Greeting { get; init; }

    /// <summary>The destinations read as a menu, in order ("Para Financeiro, disque 1").</summary>
    public IReadOnlyList<LocalMenuEntry> Menu { get; init; } = [];

    /// <summary>The key that goes straight to the take-a-message flow.</summary>
    public char MessageDigit { get; init; } = '9';

    /// <summary>Phrase overrides; null = <see cref="LocalPhrases.For"/> of <see cref="Language"/>.</summary>
    public LocalPhrases? Phrases { get; init; }
}

/// <summary>
/// One menu option: the key that selects it, the destination name (passed to <c>transfer_call</c> and read in the menu)
/// and extra words a typed request may use ("boleto", "fatura" for Financeiro). Words of the name count as keywords too.
/// </summary>
public sealed record LocalMenuEntry(char Digit, string Name, IReadOnlyList<string> Keywords)
{
    public LocalMenuEntry(char digit, string name)
        : this(digit, name, [])
    {
    }
}

/// <summary>How the local agent waits and listens.</summary>
public sealed record LocalAgentOptions
{
    /// <summary>Without a key press or text for this long after the menu, the menu is read again once; then the message is offered.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unknown choices before the message is offered.</summary>
    public int MaxMenuAttempts { get; init; } = 3;

    /// <summary>A message ends after this much silence following the caller's speech.</summary>
    public TimeSpan MessageSilence { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest message recorded.</summary>
    public TimeSpan MessageMaxDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Frame level (RMS dBFS) at or above which the caller is heard.</summary>
    public double VadThresholdDbfs { get; init; } = -40;

    /// <summary>Sound shorter than this (a click, a line pop) is not reported as caller speech.</summary>
    public TimeSpan VadMinSpeech { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Silence after which the caller is reported to have stopped speaking.</summary>
    public TimeSpan VadHangover { get; init; } = TimeSpan.FromMilliseconds(500);
}
