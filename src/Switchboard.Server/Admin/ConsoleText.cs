using System.Globalization;

namespace Switchboard.Server.Admin;

/// <summary>
/// The console's texts in the request's UI culture: English as written in the pages, Brazilian Portuguese from
/// <see cref="PtBr"/>. A text without a translation shows in English. Scoped (cheap).
/// </summary>
public sealed partial class ConsoleText
{
    public string this[string english] =>
        english is not null && CultureInfo.CurrentUICulture.Name.StartsWith("pt", StringComparison.OrdinalIgnoreCase) && PtBr.TryGetValue(english, out string? translated)
            ? translated
            : english ?? "";

    /// <summary>Whether the console speaks Portuguese in this request.</summary>
    public static bool IsPortuguese => CultureInfo.CurrentUICulture.Name.StartsWith("pt", StringComparison.OrdinalIgnoreCase);
}
