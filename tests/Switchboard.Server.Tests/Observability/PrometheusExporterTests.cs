using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Observability;

public class PrometheusExporterTests
{
    [Fact]
    public void Each_instrument_kind_becomes_a_family_with_help_and_type()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("calls_total", description: "Calls.").Add(3);
        harness.Meter.CreateUpDownCounter<int>("sessions", description: "Sessions.").Add(-2);
        harness.Meter.CreateObservableCounter("cpu_seconds_total", () => 12.5, description: "CPU.");
        harness.Meter.CreateObservableUpDownCounter("memory", () => 4096L, description: "Memory.");
        harness.Meter.CreateObservableGauge("temperature", () => 21.5f, description: "Temperature.");
        harness.Meter.CreateGauge<double>("queue_depth", description: "Depth.").Record(7);
        harness.Meter.CreateHistogram<double>("latency", description: "Latency.").Record(3);

        var exposition = harness.ScrapeParsed();

        Assert.Equal(
            [("calls_total", "counter"), ("sessions", "gauge"), ("cpu_seconds_total", "counter"), ("memory", "gauge"),
             ("temperature", "gauge"), ("queue_depth", "gauge"), ("latency", "histogram")],
            exposition.Families.Values.Select(f => (f.Name, f.Type!)).ToArray());
        Assert.Equal("Calls.", exposition.Families["calls_total"].Help);
        Assert.Equal(3, exposition.Value("calls_total"));
        Assert.Equal(-2, exposition.Value("sessions"));
        Assert.Equal(12.5, exposition.Value("cpu_seconds_total"));
        Assert.Equal(4096, exposition.Value("memory"));
        Assert.Equal(21.5, exposition.Value("temperature"));
        Assert.Equal(7, exposition.Value("queue_depth"));
        Assert.Equal(1, exposition.Value("latency_count"));
    }

    [Fact]
    public void Help_and_type_lines_come_before_the_samples_of_their_family()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("a_total", description: "A.").Add(1);
        harness.Meter.CreateHistogram<double>("b", description: "B.").Record(1);

        var lines = harness.Scrape().Split('\n');

        Assert.Equal("# HELP a_total A.", lines[0]);
        Assert.Equal("# TYPE a_total counter", lines[1]);
        Assert.Equal("a_total 1", lines[2]);
        Assert.Equal("# HELP b B.", lines[3]);
        Assert.Equal("# TYPE b histogram", lines[4]);
        Assert.StartsWith("b_bucket{le=", lines[5], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\"b\\c\nd")]
    [InlineData("ends with a backslash\\")]
    [InlineData("\\n is two characters here")]
    [InlineData("\"\"\"")]
    [InlineData("\n\n")]
    [InlineData("")]
    [InlineData("tab\there, cr\rthere, ção, 😀, {braces}, a=b, c,d")]
    public void Label_values_round_trip_through_escaping(string value)
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("things_total").Add(5, new KeyValuePair<string, object?>("name", value));

        var exposition = harness.ScrapeParsed();

        var sample = Assert.Single(exposition.Families["things_total"].Samples);
        Assert.Equal(value, sample.Labels["name"]);
        Assert.Equal(5, sample.Value);
    }

    [Fact]
    public void Nasty_label_value_is_written_with_exactly_three_escapes()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("things_total").Add(1, new KeyValuePair<string, object?>("name", "a\"b\\c\nd"));

        Assert.Contains("things_total{name=\"a\\\"b\\\\c\\nd\"} 1\n", harness.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_text_escapes_backslash_and_line_feed()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("x_total", description: "line one\nC:\\path \"quoted\"").Add(1);

        var text = harness.Scrape();

        Assert.Contains("# HELP x_total line one\\nC:\\\\path \"quoted\"\n", text, StringComparison.Ordinal);
        Assert.Equal("line one\nC:\\path \"quoted\"", PrometheusTextParser.Parse(text).Families["x_total"].Help);
    }

    [Theory]
    [InlineData("http.server/requests-count", null, "counter", "http_server_requests_count_total")]
    [InlineData("1st.metric", null, "gauge", "_1st_metric")]
    [InlineData("ns:sub:metric", null, "gauge", "ns:sub:metric")]
    [InlineData("dotnet.gc.pause.time", "s", "counter", "dotnet_gc_pause_time_seconds_total")]
    [InlineData("voice_ai_realtime_response_latency_seconds", "s", "histogram", "voice_ai_realtime_response_latency_seconds")]
    [InlineData("process.memory", "By", "gauge", "process_memory_bytes")]
    [InlineData("calls", "{call}", "counter", "calls_total")]
    [InlineData("ünïcode metric", null, "gauge", "_n_code_metric")]
    public void Metric_names_are_sanitised_and_suffixed(string instrumentName, string? unit, string type, string expected)
    {
        using var harness = new ExporterHarness();
        switch (type)
        {
            case "counter": harness.Meter.CreateCounter<long>(instrumentName, unit).Add(1); break;
            case "gauge": harness.Meter.CreateGauge<long>(instrumentName, unit).Record(1); break;
            default: harness.Meter.CreateHistogram<double>(instrumentName, unit).Record(1); break;
        }

        var family = Assert.Single(harness.ScrapeParsed().Families.Values);

        Assert.Equal(expected, family.Name);
        Assert.Equal(type, family.Type);
    }

    [Fact]
    public void Label_names_are_sanitised_without_reserved_prefix_or_repeats()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("c_total").Add(
            1,
            new KeyValuePair<string, object?>("tenant.id", "t"),
            new KeyValuePair<string, object?>("9lives", "cat"),
            new KeyValuePair<string, object?>("__meta", "m"),
            new KeyValuePair<string, object?>("tenant_id", "duplicate after sanitising"));

        var sample = Assert.Single(harness.ScrapeParsed().Families["c_total"].Samples);

        Assert.True(sample.HasLabels(("_9lives", "cat"), ("_meta", "m"), ("tenant_id", "t")), string.Join(",", sample.Labels));
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_with_inclusive_upper_bounds()
    {
        using var harness = new ExporterHarness();
        var histogram = harness.Meter.CreateHistogram(
            "latency_seconds",
            unit: "s",
            description: null,
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1] });
        foreach (var value in (double[])[0.05, 0.1, 0.1000001, 0.5, 0.7, 3, 20])
        {
            histogram.Record(value, new KeyValuePair<string, object?>("provider", "openai"));
        }

        var exposition = harness.ScrapeParsed();

        (string, string) provider = ("provider", "openai");
        Assert.Equal(2, exposition.Value("latency_seconds_bucket", provider, ("le", "0.1")));
        Assert.Equal(4, exposition.Value("latency_seconds_bucket", provider, ("le", "0.5")));
        Assert.Equal(5, exposition.Value("latency_seconds_bucket", provider, ("le", "1")));
        Assert.Equal(7, exposition.Value("latency_seconds_bucket", provider, ("le", "+Inf")));
        Assert.Equal(7, exposition.Value("latency_seconds_count", provider));
        Assert.Equal(0.05 + 0.1 + 0.1000001 + 0.5 + 0.7 + 3 + 20, exposition.Value("latency_seconds_sum", provider), 9);
    }

    [Fact]
    public void Histogram_without_advice_uses_the_default_bounds_and_a_label_named_le_is_renamed()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateHistogram<long>("sizes").Record(30, new KeyValuePair<string, object?>("le", "mine"));

        var family = harness.ScrapeParsed().Families["sizes"];

        var bounds = family.Samples.Where(s => s.Name == "sizes_bucket").Select(s => s.Labels["le"]).ToArray();
        Assert.Equal(["0", "5", "10", "25", "50", "75", "100", "250", "500", "750", "1000", "2500", "5000", "7500", "10000", "+Inf"], bounds);
        Assert.All(family.Samples, s => Assert.Equal("mine", s.Labels["_le"]));
        Assert.Equal(30, family.Samples.Single(s => s.Name == "sizes_sum").Value);
    }

    [Fact]
    public void Special_floats_are_written_as_prometheus_spells_them()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateObservableGauge<double>("special", () => new Measurement<double>[]
        {
            new(double.PositiveInfinity, new KeyValuePair<string, object?>("v", "pinf")),
            new(double.NegativeInfinity, new KeyValuePair<string, object?>("v", "ninf")),
            new(double.NaN, new KeyValuePair<string, object?>("v", "nan")),
            new(1e-7, new KeyValuePair<string, object?>("v", "tiny")),
            new(1.5e300, new KeyValuePair<string, object?>("v", "huge")),
        });
        harness.Meter.CreateHistogram<double>("h").Record(double.NaN);

        var text = harness.Scrape();
        var exposition = PrometheusTextParser.Parse(text);

        Assert.Contains("special{v=\"pinf\"} +Inf\n", text, StringComparison.Ordinal);
        Assert.Contains("special{v=\"ninf\"} -Inf\n", text, StringComparison.Ordinal);
        Assert.Contains("special{v=\"nan\"} NaN\n", text, StringComparison.Ordinal);
        Assert.Equal(1e-7, exposition.Value("special", ("v", "tiny")));
        Assert.Equal(1.5e300, exposition.Value("special", ("v", "huge")));
        Assert.Contains("h_bucket{le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("h_sum NaN\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_are_formatted_invariantly_whatever_the_current_culture()
    {
        using var harness = new ExporterHarness();
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            harness.Meter.CreateGauge<double>("ratio").Record(2.5, new KeyValuePair<string, object?>("threshold", 0.75));
            harness.Meter.CreateHistogram("h", null, null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25] }).Record(1);
            var text = harness.Scrape();

            Assert.Contains("ratio{threshold=\"0.75\"} 2.5\n", text, StringComparison.Ordinal);
            Assert.Contains("h_bucket{le=\"0.25\"} 0\n", text, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Tag_values_of_other_types_are_rendered_invariantly()
    {
        using var harness = new ExporterHarness();
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        harness.Meter.CreateCounter<long>("typed_total").Add(
            1,
            new KeyValuePair<string, object?>("code", 404),
            new KeyValuePair<string, object?>("ok", false),
            new KeyValuePair<string, object?>("id", id),
            new KeyValuePair<string, object?>("none", null));

        var sample = Assert.Single(harness.ScrapeParsed().Families["typed_total"].Samples);

        Assert.True(sample.HasLabels(("code", "404"), ("id", "6f9619ff-8b86-d011-b42d-00c04fc964ff"), ("none", ""), ("ok", "false")));
    }

    [Fact]
    public void The_same_tags_in_another_order_count_in_the_same_series()
    {
        using var harness = new ExporterHarness();
        var counter = harness.Meter.CreateCounter<long>("c_total");
        counter.Add(1, new KeyValuePair<string, object?>("a", "1"), new KeyValuePair<string, object?>("b", "2"));
        counter.Add(10, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", "1"));
        counter.Add(100, new KeyValuePair<string, object?>("a", "1"), new KeyValuePair<string, object?>("b", "2"));

        var sample = Assert.Single(harness.ScrapeParsed().Families["c_total"].Samples);

        Assert.Equal(111, sample.Value);
    }

    [Fact]
    public void Counters_ignore_negative_deltas_but_up_down_counters_go_below_zero()
    {
        using var harness = new ExporterHarness();
        var counter = harness.Meter.CreateCounter<double>("c_total");
        var upDown = harness.Meter.CreateUpDownCounter<long>("u");
        counter.Add(2.5);
        counter.Add(-1);
        counter.Add(double.NaN);
        upDown.Add(1);
        upDown.Add(-3);
        harness.Meter.CreateObservableCounter("observed_total", () => -5L);

        var exposition = harness.ScrapeParsed();

        Assert.Equal(2.5, exposition.Value("c_total"));
        Assert.Equal(0, exposition.Value("observed_total"));
        Assert.Equal(-2, exposition.Value("u"));
    }

    [Fact]
    public void Instruments_with_nothing_recorded_are_exported_as_zero()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("idle_total");
        harness.Meter.CreateUpDownCounter<double>("idle_gauge");
        harness.Meter.CreateHistogram("idle_seconds", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] });

        var exposition = harness.ScrapeParsed();

        Assert.Equal(0, exposition.Value("idle_total"));
        Assert.Equal(0, exposition.Value("idle_gauge"));
        Assert.Equal(0, exposition.Value("idle_seconds_bucket", ("le", "1")));
        Assert.Equal(0, exposition.Value("idle_seconds_bucket", ("le", "2")));
        Assert.Equal(0, exposition.Value("idle_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(0, exposition.Value("idle_seconds_sum"));
        Assert.Equal(0, exposition.Value("idle_seconds_count"));
    }

    [Fact]
    public void The_zero_placeholder_gives_way_to_labelled_series()
    {
        using var harness = new ExporterHarness();
        var counter = harness.Meter.CreateCounter<long>("calls_total");
        Assert.Equal(0, harness.ScrapeParsed().Value("calls_total"));

        counter.Add(1, new KeyValuePair<string, object?>("tenant", "t1"));

        var sample = Assert.Single(harness.ScrapeParsed().Families["calls_total"].Samples);
        Assert.True(sample.HasLabels(("tenant", "t1")));
    }

    [Fact]
    public void Label_sets_beyond_the_limit_are_counted_in_one_overflow_series()
    {
        using var harness = new ExporterHarness(maxSeriesPerMetric: 3);
        var counter = harness.Meter.CreateCounter<long>("c_total");
        for (var i = 0; i < 10; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i.ToString(CultureInfo.InvariantCulture)));
        }

        counter.Add(1, new KeyValuePair<string, object?>("id", "0"));

        var samples = harness.ScrapeParsed().Families["c_total"].Samples;

        Assert.Equal(4, samples.Count);
        Assert.Equal(2, samples.Single(s => s.HasLabels(("id", "0"))).Value);
        Assert.Equal(7, samples.Single(s => s.HasLabels(("otel_metric_overflow", "true"))).Value);
        var warning = Assert.Single(harness.Logger.Entries, e => e.Id.Id == 9002);
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    [Fact]
    public void Two_instruments_with_the_same_exported_name_export_only_the_first()
    {
        using var harness = new ExporterHarness();
        harness.Meter.CreateCounter<long>("jobs.done").Add(1);
        harness.Meter.CreateCounter<long>("jobs_done").Add(5);

        var exposition = harness.ScrapeParsed();

        Assert.Equal(1, exposition.Value("jobs_done_total"));
        Assert.Single(harness.Logger.Entries, e => e.Id.Id == 9001);
    }

    [Fact]
    public void A_disposed_meter_leaves_the_exposition()
    {
        using var harness = new ExporterHarness();
        using var other = new Meter("Switchboard.Tests.Other." + Guid.NewGuid().ToString("N"));
        using var exporter = new Switchboard.Server.Observability.PrometheusExporter(
            i => i.Meter == harness.Meter || i.Meter == other, harness.Logger);
        harness.Meter.CreateCounter<long>("kept_total").Add(1);
        other.CreateCounter<long>("gone_total").Add(1);
        Assert.Equal(["kept_total", "gone_total"], exporter.MetricNames);

        other.Dispose();

        Assert.Equal(["kept_total"], exporter.MetricNames);
    }

    [Fact]
    public void A_failing_observable_callback_is_logged_and_the_other_metrics_are_still_served()
    {
        using var harness = new ExporterHarness();
        Func<long> broken = () => throw new InvalidOperationException("boom");
        harness.Meter.CreateObservableGauge("broken", broken);
        harness.Meter.CreateCounter<long>("fine_total").Add(4);

        var exposition = harness.ScrapeParsed();

        Assert.Equal(4, exposition.Value("fine_total"));
        Assert.Single(harness.Logger.Entries, e => e.Id.Id == 9003 && e.Level == LogLevel.Error);
    }

    [Fact]
    public void Instruments_outside_the_filter_are_not_exported()
    {
        using var harness = new ExporterHarness();
        using var stranger = new Meter("Switchboard.Tests.Stranger." + Guid.NewGuid().ToString("N"));
        stranger.CreateCounter<long>("stranger_total").Add(1);
        harness.Meter.CreateCounter<long>("mine_total").Add(1);

        Assert.Equal(["mine_total"], harness.Exporter.MetricNames);
    }
}
