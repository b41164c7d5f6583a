using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Server.Tests.Support;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, used as the oracle for our exporter:
/// every line must parse; names must be valid; a family has HELP and TYPE before its samples and all its
/// lines together; no series repeats; counters are non-negative; histogram buckets are cumulative,
/// monotonic, end at <c>le="+Inf"</c> equal to <c>_count</c>, with a <c>_sum</c>.
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details
/// </summary>
public static partial class PrometheusTextParser
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static PrometheusExposition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new PrometheusFormatException(0, "the exposition must end with a line feed");
        }

        var families = new Dictionary<string, PrometheusFamily>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        var seriesSeen = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');

        // The last element is the empty remainder after the final line feed.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            string familyName;
            if (line[0] == '#')
            {
                var comment = ParseComment(number, line);
                if (comment is null)
                {
                    continue;
                }

                var (keyword, name, rest) = comment.Value;
                familyName = name;
                Enter(number, familyName, ref current, closed);
                var family = families.TryGetValue(name, out var known) ? known : families[name] = new PrometheusFamily(name);
                if (keyword == "HELP")
                {
                    if (family.Help is not null)
                    {
                        throw new PrometheusFormatException(number, $"second HELP for {name}");
                    }

                    family.Help = UnescapeHelp(number, rest);
                }
                else
                {
                    if (family.Type is not null)
                    {
                        throw new PrometheusFormatException(number, $"second TYPE for {name}");
                    }

                    if (family.Samples.Count > 0)
                    {
                        throw new PrometheusFormatException(number, $"TYPE for {name} after its samples");
                    }

                    if (!Types.Contains(rest))
                    {
                        throw new PrometheusFormatException(number, $"unknown type '{rest}'");
                    }

                    family.Type = rest;
                }

                continue;
            }

            var sample = ParseSample(number, line);
            familyName = FamilyOf(sample.Name, families)
                ?? throw new PrometheusFormatException(number, $"sample {sample.Name} has no TYPE before it");
            Enter(number, familyName, ref current, closed);
            var owner = families[familyName];
            if (owner.Help is null)
            {
                throw new PrometheusFormatException(number, $"sample {sample.Name} has no HELP before it");
            }

            if (!seriesSeen.Add(sample.Name + SeriesKey(sample.Labels)))
            {
                throw new PrometheusFormatException(number, $"series {sample.Name}{SeriesKey(sample.Labels)} repeats");
            }

            if (owner.Type == "counter" && !(sample.Value >= 0))
            {
                throw new PrometheusFormatException(number, $"counter {sample.Name} is {sample.Value}");
            }

            owner.Samples.Add(sample);
        }

        foreach (var family in families.Values)
        {
            if (family.Type is null)
            {
                throw new PrometheusFormatException(0, $"{family.Name} has HELP but no TYPE");
            }

            if (family.Type == "histogram")
            {
                CheckHistogram(family);
            }
        }

        return new PrometheusExposition(families);
    }

    private static (string Keyword, string Name, string Text)? ParseComment(int number, string line)
    {
        // "# HELP name docstring" / "# TYPE name type"; any other comment is ignored.
        var match = CommentLine().Match(line);
        if (!match.Success)
        {
            if (line.StartsWith("# HELP", StringComparison.Ordinal) || line.StartsWith("# TYPE", StringComparison.Ordinal))
            {
                throw new PrometheusFormatException(number, $"malformed descriptor '{line}'");
            }

            return null;
        }

        var name = match.Groups["name"].Value;
        if (!MetricName().IsMatch(name))
        {
            throw new PrometheusFormatException(number, $"invalid metric name '{name}'");
        }

        return (match.Groups["keyword"].Value, name, match.Groups["rest"].Value);
    }

    private static PrometheusSample ParseSample(int number, string line)
    {
        var position = 0;
        while (position < line.Length && line[position] != '{' && line[position] != ' ')
        {
            position++;
        }

        var name = line[..position];
        if (!MetricName().IsMatch(name))
        {
            throw new PrometheusFormatException(number, $"invalid metric name '{name}'");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                if (position >= line.Length)
                {
                    throw new PrometheusFormatException(number, "unterminated label set");
                }

                if (line[position] == '}')
                {
                    position++;
                    break;
                }

                var nameStart = position;
                while (position < line.Length && line[position] != '=')
                {
                    position++;
                }

                var labelName = line[nameStart..position];
                if (!LabelName().IsMatch(labelName))
                {
                    throw new PrometheusFormatException(number, $"invalid label name '{labelName}'");
                }

                if (position + 1 >= line.Length || line[position + 1] != '"')
                {
                    throw new PrometheusFormatException(number, $"label {labelName} has no quoted value");
                }

                position += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (position >= line.Length)
                    {
                        throw new PrometheusFormatException(number, $"unterminated value of label {labelName}");
                    }

                    var c = line[position++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }

                    var escaped = position < line.Length ? line[position++] : '\0';
                    value.Append(escaped switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        _ => throw new PrometheusFormatException(number, $"invalid escape '\\{escaped}' in label {labelName}"),
                    });
                }

                if (!labels.TryAdd(labelName, value.ToString()))
                {
                    throw new PrometheusFormatException(number, $"label {labelName} repeats");
                }

                if (position < line.Length && line[position] == ',')
                {
                    position++;
                }
                else if (position >= line.Length || line[position] != '}')
                {
                    throw new PrometheusFormatException(number, "expected ',' or '}' after a label");
                }
            }
        }

        if (position >= line.Length || line[position] != ' ')
        {
            throw new PrometheusFormatException(number, "expected a space before the value");
        }

        var fields = line[(position + 1)..].Split(' ');
        if (fields.Length is < 1 or > 2)
        {
            throw new PrometheusFormatException(number, $"expected 'value [timestamp]', got '{line[(position + 1)..]}'");
        }

        var sampleValue = ParseValue(number, fields[0]);
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new PrometheusFormatException(number, $"invalid timestamp '{fields[1]}'");
        }

        return new PrometheusSample(name, labels, sampleValue);
    }

    public static double ParseValue(int number, string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatText().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new PrometheusFormatException(number, $"invalid value '{text}'"),
    };

    private static string UnescapeHelp(int number, string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            var escaped = ++i < text.Length ? text[i] : '\0';
            result.Append(escaped switch
            {
                '\\' => '\\',
                'n' => '\n',
                _ => throw new PrometheusFormatException(number, $"invalid escape '\\{escaped}' in HELP"),
            });
        }

        return result.ToString();
    }

    private static string? FamilyOf(string sampleName, Dictionary<string, PrometheusFamily> families)
    {
        if (families.TryGetValue(sampleName, out var exact) && exact.Type is not null && exact.Type != "histogram")
        {
            return sampleName;
        }

        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sampleName[..^suffix.Length], out var family)
                && (family.Type == "histogram" || (family.Type == "summary" && suffix != "_bucket")))
            {
                return family.Name;
            }
        }

        return null;
    }

    private static void Enter(int number, string family, ref string? current, HashSet<string> closed)
    {
        if (family == current)
        {
            return;
        }

        if (closed.Contains(family))
        {
            throw new PrometheusFormatException(number, $"lines of {family} are not grouped together");
        }

        if (current is not null)
        {
            closed.Add(current);
        }

        current = family;
    }

    private static void CheckHistogram(PrometheusFamily family)
    {
        foreach (var series in family.Samples.GroupBy(s => SeriesKey(s.Labels.Where(l => l.Key != "le"))))
        {
            var buckets = series.Where(s => s.Name == family.Name + "_bucket").ToList();
            var sums = series.Where(s => s.Name == family.Name + "_sum").ToList();
            var counts = series.Where(s => s.Name == family.Name + "_count").ToList();
            var where = $"{family.Name}{series.Key}";
            if (buckets.Count == 0 || sums.Count != 1 || counts.Count != 1)
            {
                throw new PrometheusFormatException(0, $"{where} needs buckets, one _sum and one _count");
            }

            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                if (!bucket.Labels.TryGetValue("le", out var le))
                {
                    throw new PrometheusFormatException(0, $"{where} has a bucket without le");
                }

                var bound = ParseValue(0, le);
                if (!(bound > previousBound))
                {
                    throw new PrometheusFormatException(0, $"{where} bucket le={le} is not above the previous bound");
                }

                if (bucket.Value < previousCount || bucket.Value != Math.Floor(bucket.Value))
                {
                    throw new PrometheusFormatException(0, $"{where} bucket le={le} count {bucket.Value} is not cumulative");
                }

                previousBound = bound;
                previousCount = bucket.Value;
            }

            if (!double.IsPositiveInfinity(previousBound))
            {
                throw new PrometheusFormatException(0, $"{where} does not end with le=\"+Inf\"");
            }

            if (counts[0].Value != previousCount)
            {
                throw new PrometheusFormatException(0, $"{where} _count {counts[0].Value} differs from the +Inf bucket {previousCount}");
            }
        }
    }

    private static string SeriesKey(IEnumerable<KeyValuePair<string, string>> labels) =>
        "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value.Length}:{l.Value}")) + "}";

    [GeneratedRegex(@"^# (?<keyword>HELP|TYPE) (?<name>\S+)(?: (?<rest>.*))?$")]
    private static partial Regex CommentLine();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    // Decimal floats only (what Go's ParseFloat reads, minus hex and spelled-out infinities).
    [GeneratedRegex(@"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")]
    private static partial Regex FloatText();
}

public sealed class PrometheusFamily(string name)
{
    public string Name { get; } = name;

    public string? Help { get; set; }

    public string? Type { get; set; }

    public List<PrometheusSample> Samples { get; } = [];
}

public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool HasLabels(params (string Name, string Value)[] labels) =>
        Labels.Count == labels.Length && labels.All(l => Labels.TryGetValue(l.Name, out var value) && value == l.Value);
}

public sealed class PrometheusExposition(IReadOnlyDictionary<string, PrometheusFamily> families)
{
    public IReadOnlyDictionary<string, PrometheusFamily> Families { get; } = families;

    public IEnumerable<PrometheusSample> Samples => Families.Values.SelectMany(f => f.Samples);

    /// <summary>The value of the one sample named <paramref name="sampleName"/> with exactly these labels.</summary>
    public double Value(string sampleName, params (string Name, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Name == sampleName && s.HasLabels(labels)).ToList();
        return matches.Count == 1
            ? matches[0].Value
            : throw new InvalidOperationException($"{matches.Count} samples {sampleName}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}");
    }
}

public sealed class PrometheusFormatException(int line, string message)
    : FormatException(line > 0 ? $"line {line}: {message}" : message);
