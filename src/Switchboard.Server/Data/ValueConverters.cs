using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Switchboard.Server.Data;

/// <summary>
/// SQLite has no date type and EF cannot order or compare <see cref="DateTimeOffset"/> stored as text there, so
/// SQLite columns hold UTC ticks (INTEGER): ordered, compared and exact to 100 ns. Read back with offset zero.
/// </summary>
internal sealed class UtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

/// <summary>PostgreSQL <c>timestamptz</c> accepts only offset zero from Npgsql: normalise on the way in.</summary>
internal sealed class UtcDateTimeOffsetConverter()
    : ValueConverter<DateTimeOffset, DateTimeOffset>(value => value.ToUniversalTime(), value => value.ToUniversalTime());

/// <summary>Enums as snake_case text ("ring_group", "offer_ticket"), the values seed 1's CHECK constraints use.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>()
    : ValueConverter<TEnum, string>(value => ToText(value), text => Parse(text))
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> Texts =
        Enum.GetValues<TEnum>().ToDictionary(value => value, value => SnakeCase.From(value.ToString()));

    private static readonly Dictionary<string, TEnum> Values =
        Texts.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    private static string ToText(TEnum value) =>
        Texts.TryGetValue(value, out string? text) ? text : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    private static TEnum Parse(string text) =>
        Values.TryGetValue(text, out TEnum value)
            ? value
            : throw new InvalidOperationException($"'{text}' is not a {typeof(TEnum).Name} value.");
}

internal static class SnakeCase
{
    /// <summary>"AudioSecondsIn" → "audio_seconds_in", "BLegUuid" → "b_leg_uuid".</summary>
    public static string From(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool afterLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLowerOrDigit || endsAcronym)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
