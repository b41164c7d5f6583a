using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Observability;

/// <summary>The parser is the oracle of the exporter tests, so it must reject what Prometheus rejects.</summary>
public class PrometheusTextParserTests
{
    private const string Header = "# HELP m M.\n# TYPE m counter\n";
    private const string HistogramHeader = "# HELP h H.\n# TYPE h histogram\n";

    [Fact]
    public void Reads_a_well_formed_exposition()
    {
        var exposition = PrometheusTextParser.Parse(
            Header + "m{a=\"x\\\"y\\\\z\\n\",b=\"\"} 3 1700000000000\n" +
            HistogramHeader + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n");

        Assert.Equal(3, exposition.Value("m", ("a", "x\"y\\z\n"), ("b", "")));
        Assert.Equal(2, exposition.Value("h_count"));
    }

    [Theory]
    [InlineData(Header + "m 1", "end with a line feed")]
    [InlineData(Header + "1m 1\n", "invalid metric name")]
    [InlineData(Header + "m{a-b=\"x\"} 1\n", "invalid label name")]
    [InlineData(Header + "m{a=\"x\"y\"} 1\n", "expected ',' or '}'")]
    [InlineData(Header + "m{a=\"x\\q\"} 1\n", "invalid escape")]
    [InlineData(Header + "m{a=\"x} 1\n", "unterminated")]
    [InlineData(Header + "m{a=\"x\",a=\"y\"} 1\n", "repeats")]
    [InlineData(Header + "m 1,5\n", "invalid value")]
    [InlineData(Header + "m Infinity\n", "invalid value")]
    [InlineData(Header + "m -1\n", "counter m is -1")]
    [InlineData(Header + "m 1\nm 2\n", "repeats")]
    [InlineData("m 1\n", "no TYPE")]
    [InlineData("# TYPE m counter\nm 1\n", "no HELP")]
    [InlineData("# HELP m M.\nm 1\n# TYPE m counter\n", "no TYPE")]
    [InlineData(Header + "# TYPE m gauge\n", "second TYPE")]
    [InlineData("# HELP m M.\n# TYPE m meter\n", "unknown type")]
    [InlineData(Header + "m{a=\"1\"} 1\n# HELP n N.\n# TYPE n gauge\nn 1\nm{a=\"2\"} 1\n", "not grouped")]
    [InlineData(HistogramHeader + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "not cumulative")]
    [InlineData(HistogramHeader + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "not above")]
    [InlineData(HistogramHeader + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [InlineData(HistogramHeader + "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "differs")]
    [InlineData(HistogramHeader + "h_bucket{le=\"+Inf\"} 2\nh_count 2\n", "one _sum")]
    [InlineData(HistogramHeader + "h_bucket 2\nh_sum 1\nh_count 2\n", "without le")]
    public void Rejects_what_prometheus_rejects(string text, string reason)
    {
        var exception = Assert.Throws<PrometheusFormatException>(() => PrometheusTextParser.Parse(text));

        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }
}
