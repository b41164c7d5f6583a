using System.Globalization;
using System.Text;

namespace Switchboard.Protocols.Realtime.Local;

/// <summary>What a caller's typed request asks for.</summary>
internal readonly record struct MenuChoice(LocalMenuEntry? Entry, bool Message)
{
    public bool Understood => Entry is not null || Message;
}

/// <summary>
/// Keyword understanding of typed text: accents and case folded, words compared whole (or, for words of five letters or
/// more, by a common stem of five: "finanças" finds "Financeiro"). The destination with the most matching words wins; a
/// tie is not understood. Words like "recado", "mensagem", "message", "mensaje" ask for the message flow.
/// </summary>
internal sealed class MenuMatcher
{
    private const int StemLength = 5;

    private static readonly HashSet<string> MessageWords = new(StringComparer.Ordinal)
    {
        "recado", "recados", "mensagem", "mensagens", "message", "messages", "mensaje", "mensajes", "voicemail",
    };

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "de", "da", "do", "das", "dos", "com", "para", "por", "e", "o", "a", "os", "as", "ao", "em", "no", "na", "um", "uma",
        "the", "and", "for", "of", "to", "with",
        "del", "la", "el", "los", "las", "con", "y",
    };

    private readonly List<(LocalMenuEntry Entry, string[] Words)> _entries = [];

    public MenuMatcher(IEnumerable<LocalMenuEntry> entries)
    {
        foreach (LocalMenuEntry entry in entries)
        {
            string[] words = Words(entry.Name).Concat(entry.Keywords.SelectMany(Words))
                .Where(w => !StopWords.Contains(w))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            _entries.Add((entry, words));
        }
    }

    public MenuChoice Match(string text)
    {
        string[] said = Words(text).Where(w => !StopWords.Contains(w)).ToArray();
        bool message = said.Any(MessageWords.Contains);
        LocalMenuEntry? best = null;
        int bestScore = 0;
        bool tie = false;
        foreach ((LocalMenuEntry entry, string[] words) in _entries)
        {
            int score = words.Count(w => said.Any(s => Same(s, w)));
            if (score > bestScore)
            {
                (best, bestScore, tie) = (entry, score, false);
            }
            else if (score == bestScore && score > 0)
            {
                tie = true;
            }
        }

        return new MenuChoice(tie ? null : best, message);
    }

    /// <summary>Lower case, accents removed, split on anything that is not a letter or a digit.</summary>
    internal static IEnumerable<string> Words(string text)
    {
        string decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            folded.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }

        return folded.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static bool Same(string said, string keyword) =>
        said == keyword ||
        (said.Length >= StemLength && keyword.Length >= StemLength &&
         said.AsSpan(0, StemLength).SequenceEqual(keyword.AsSpan(0, StemLength)));
}
