using System.Diagnostics.CodeAnalysis;
using Switchboard.Server.Data;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>Seed 1's words for the destination enums ("ring_group", "offer_ticket"), as stored and as the API speaks.</summary>
public static class DestinationWords
{
    public static string Text<TEnum>(TEnum value)
        where TEnum : struct, Enum => SnakeCase.From(value.ToString());

    /// <summary>Case-insensitive; accepts "ring-group" and "RingGroup" too.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        string wanted = (text ?? "").Trim().Replace('-', '_').Replace(" ", "_", StringComparison.Ordinal);
        foreach (TEnum candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Text(candidate), wanted, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), wanted, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>"extension, ring_group, queue, external or voicemail".</summary>
    public static string List<TEnum>()
        where TEnum : struct, Enum
    {
        string[] words = [.. Enum.GetValues<TEnum>().Select(v => Text(v))];
        return string.Join(", ", words[..^1]) + " or " + words[^1];
    }

    [return: NotNullIfNotNull(nameof(field))]
    internal static string? CamelCase(string? field)
    {
        if (field is null)
        {
            return null;
        }

        string[] parts = field.Split('_');
        return parts[0] + string.Concat(parts[1..].Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
