using System.Globalization;
using System.Text;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>Case and accent folding for matching what callers say against names ("Técnico" = "tecnico").</summary>
public static class TextFolding
{
    /// <summary>Lower case, accents removed, anything but letters and digits turned into single spaces, trimmed.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        string decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        bool space = true;
        foreach (char c in decomposed)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        if (builder.Length > 0 && builder[^1] == ' ')
        {
            builder.Length--;
        }

        return builder.ToString();
    }

    /// <summary>The folded words of <paramref name="text"/>.</summary>
    public static string[] Words(string? text) => Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Optimal-string-alignment Damerau-Levenshtein distance (insertions, deletions, substitutions, adjacent
    /// transpositions), giving up above <paramref name="limit"/> (returns limit + 1).
    /// </summary>
    public static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        int columns = b.Length + 1;
        int[] previous2 = new int[columns];
        int[] previous = new int[columns];
        int[] current = new int[columns];
        for (int j = 0; j < columns; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMinimum = i;
            for (int j = 1; j < columns; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMinimum = Math.Min(rowMinimum, value);
            }

            if (rowMinimum > limit)
            {
                return limit + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return Math.Min(previous[b.Length], limit + 1);
    }
}
