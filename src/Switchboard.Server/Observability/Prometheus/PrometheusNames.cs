using System.Text;

namespace Switchboard.Server.Observability.Prometheus;

/// <summary>
/// Names and escaping of the text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details).
/// </summary>
internal static class PrometheusNames
{
    public const string Counter = "counter";
    public const string Gauge = "gauge";
    public const string Histogram = "histogram";

    /// <summary>Metric name for an instrument: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, unit suffix, <c>_total</c> on counters.</summary>
    public static string MetricName(string instrumentName, string? unit, string type)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        var isCounter = type == Counter;
        if (isCounter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        var unitSuffix = UnitSuffix(unit);
        if (unitSuffix is not null && !name.EndsWith("_" + unitSuffix, StringComparison.Ordinal))
        {
            name = name + "_" + unitSuffix;
        }

        return isCounter ? name + "_total" : name;
    }

    /// <summary>Label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, without the reserved <c>__</c> prefix.</summary>
    public static string LabelName(string key)
    {
        var name = Sanitize(key, allowColon: false);
        while (name.StartsWith("__", StringComparison.Ordinal))
        {
            name = name[1..];
        }

        return name;
    }

    /// <summary>Appends <paramref name="value"/> escaped as a label value: backslash, double quote and line feed.</summary>
    public static void AppendLabelValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                default: builder.Append(c); break;
            }
        }
    }

    /// <summary>HELP text escaping: backslash and line feed only.</summary>
    public static string EscapeHelp(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }

    // UCUM units as used by OpenTelemetry semantic conventions; annotations such as "{call}" add nothing.
    private static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ => null,
    };
}
