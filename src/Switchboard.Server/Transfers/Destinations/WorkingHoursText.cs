using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// Working hours as people write them: <c>mon-fri 08:00-18:00; sat 08:00-12:00</c>. Spans are separated by
/// <c>;</c>; days are lists and ranges (<c>mon,wed,fri</c>, <c>fri-mon</c>, <c>daily</c>) in English, Portuguese
/// or Spanish abbreviations (<c>seg-sex</c>, <c>lun-vie</c>); <c>24:00</c> is read as 23:59. Empty text means
/// "always available" (null).
/// </summary>
public static class WorkingHoursText
{
    public const string Example = "mon-fri 08:00-18:00; sat 08:00-12:00";

    // Monday first, the order people list a week in.
    private static readonly DayOfWeek[] Week =
    [
        DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday,
    ];

    private static readonly Dictionary<string, string[]> Abbreviations = new(StringComparer.Ordinal)
    {
        ["en"] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        ["pt"] = ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"],
        ["es"] = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    };

    private static readonly Dictionary<string, string> Daily = new(StringComparer.Ordinal)
    {
        ["en"] = "daily",
        ["pt"] = "todos os dias",
        ["es"] = "todos los días",
    };

    private static readonly Dictionary<string, int> DayNames = BuildDayNames();

    /// <summary>Parses <paramref name="text"/>; false with a message naming the faulty part.</summary>
    public static bool TryParse(string? text, out WorkingHours? hours, [NotNullWhen(false)] out string? error)
    {
        hours = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var spans = new List<WorkingHoursSpan>();
        foreach (string part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParseSpan(part, out WorkingHoursSpan? span, out error))
            {
                error = $"'{part}': {error} Write e.g. '{Example}'.";
                return false;
            }

            spans.Add(span);
        }

        if (spans.Count == 0)
        {
            return true;
        }

        hours = new WorkingHours
        {
            Start = spans[0].Start,
            End = spans[0].End,
            Days = spans[0].Days,
            More = spans.Count > 1 ? spans[1..] : null,
        };
        return true;
    }

    /// <summary>The readable form (English day abbreviations, as the API and CSV write it); "" for null.</summary>
    public static string Format(WorkingHours? hours) => Format(hours, "en");

    /// <summary>The readable form with day abbreviations in <paramref name="language"/> (pt, en, es; others: en).</summary>
    public static string Format(WorkingHours? hours, string? language)
    {
        if (hours is null)
        {
            return "";
        }

        string key = LanguageKey(language);
        return string.Join("; ", hours.Spans.Select(span => FormatDays(span.Days, key) + " " + FormatTime(span.Start) + "-" + FormatTime(span.End)));
    }

    /// <summary>Checks a stored value: times in order, at least one day, no repeated day.</summary>
    public static string? Check(WorkingHours? hours)
    {
        if (hours is null)
        {
            return null;
        }

        foreach (WorkingHoursSpan span in hours.Spans)
        {
            if (span.Days.Count == 0)
            {
                return "Every span needs at least one day.";
            }

            if (span.Days.Distinct().Count() != span.Days.Count || span.Days.Any(day => !Enum.IsDefined(day)))
            {
                return "A span lists a day twice or a day that does not exist.";
            }

            if (span.Start == span.End)
            {
                return $"A span starts and ends at {FormatTime(span.Start)}; for all day write 00:00-24:00.";
            }
        }

        return null;
    }

    private static bool TryParseSpan(string part, [NotNullWhen(true)] out WorkingHoursSpan? span, [NotNullWhen(false)] out string? error)
    {
        span = null;
        int lastSpace = part.LastIndexOf(' ');
        if (lastSpace < 0)
        {
            error = "expected days then hours, separated by a space.";
            return false;
        }

        string dayText = part[..lastSpace].Trim();
        string timeText = part[(lastSpace + 1)..];
        string[] times = timeText.Split('-');
        if (times.Length != 2 || !TryParseTime(times[0], out TimeOnly start) || !TryParseTime(times[1], out TimeOnly end))
        {
            error = $"'{timeText}' is not a time range such as 08:00-18:00.";
            return false;
        }

        if (start == end)
        {
            error = "the span starts and ends at the same time; for all day write 00:00-24:00.";
            return false;
        }

        if (!TryParseDays(dayText, out List<DayOfWeek>? days, out error))
        {
            return false;
        }

        span = new WorkingHoursSpan { Start = start, End = end, Days = days };
        return true;
    }

    private static bool TryParseDays(string text, [NotNullWhen(true)] out List<DayOfWeek>? days, [NotNullWhen(false)] out string? error)
    {
        days = null;
        string folded = text.ToLowerInvariant().Normalize(NormalizationForm.FormC);
        var set = new HashSet<DayOfWeek>();
        if (Daily.ContainsValue(folded) || folded is "every day" or "all" or "todos")
        {
            set.UnionWith(Week);
        }
        else
        {
            foreach (string item in folded.Split(',', StringSplitOptions.TrimEntries))
            {
                string[] ends = item.Split('-', StringSplitOptions.TrimEntries);
                if (ends.Length > 2 || !DayNames.TryGetValue(ends[0], out int first))
                {
                    error = $"'{item}' is not a day or a day range (mon..sun, e.g. mon-fri).";
                    return false;
                }

                int last = first;
                if (ends.Length == 2 && !DayNames.TryGetValue(ends[1], out last))
                {
                    error = $"'{ends[1]}' is not a day (mon..sun).";
                    return false;
                }

                for (int day = first; ; day = (day + 1) % 7)
                {
                    set.Add(Week[day]);
                    if (day == last)
                    {
                        break;
                    }
                }
            }
        }

        error = null;
        days = [.. set.Order()];
        return true;
    }

    private static bool TryParseTime(string text, out TimeOnly time)
    {
        if (text is "24:00" or "24:00:00")
        {
            time = WorkingHoursSpan.EndOfDay;
            return true;
        }

        return TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    private static string FormatTime(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string FormatDays(IReadOnlyList<DayOfWeek> days, string language)
    {
        string[] names = Abbreviations[language];
        var present = new bool[7];
        foreach (DayOfWeek day in days)
        {
            present[Array.IndexOf(Week, day)] = true;
        }

        if (present.All(p => p))
        {
            return Daily[language];
        }

        var runs = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            if (!present[i])
            {
                continue;
            }

            int end = i;
            while (end + 1 < 7 && present[end + 1])
            {
                end++;
            }

            runs.Add(end == i ? names[i] : end == i + 1 ? names[i] + "," + names[end] : names[i] + "-" + names[end]);
            i = end;
        }

        return string.Join(",", runs);
    }

    private static string LanguageKey(string? language)
    {
        string prefix = (language ?? "").Split('-', '_')[0].ToLowerInvariant();
        return Abbreviations.ContainsKey(prefix) ? prefix : "en";
    }

    private static Dictionary<string, int> BuildDayNames()
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string[] abbreviations in Abbreviations.Values)
        {
            for (int i = 0; i < 7; i++)
            {
                names[abbreviations[i]] = i;
                names[abbreviations[i].Normalize(NormalizationForm.FormD).Where(c => c < 128).Aggregate("", (s, c) => s + c)] = i;
            }
        }

        string[] english = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        for (int i = 0; i < 7; i++)
        {
            names[english[i]] = i;
        }

        return names;
    }
}
