using System.Diagnostics.Metrics;

namespace Switchboard.Server.Tests.Observability;

public class PrometheusExporterConcurrencyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Increments_from_many_threads_are_all_counted_while_scrapes_run()
    {
        const int Writers = 8;
        const int PerWriter = 40_000;
        using var harness = new ExporterHarness();
        var counter = harness.Meter.CreateCounter<long>("events_total");
        var doubles = harness.Meter.CreateCounter<double>("seconds_total");
        var gauge = harness.Meter.CreateUpDownCounter<long>("in_flight");
        var histogram = harness.Meter.CreateHistogram(
            "latency_seconds", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1] });
        KeyValuePair<string, object?>[] even = [new("parity", "even")];
        KeyValuePair<string, object?>[] odd = [new("parity", "odd")];

        using var start = new Barrier(Writers + 1);
        using var writersDone = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Timeout);
                for (var i = 0; i < PerWriter; i++)
                {
                    var tags = (i & 1) == 0 ? even : odd;
                    counter.Add(1, tags);
                    doubles.Add(0.25, tags);
                    gauge.Add(1);
                    histogram.Record((i & 1) == 0 ? 0.25 : 1.5, tags);
                    gauge.Add(-1);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        var scrapes = 0;
        var scraper = Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Timeout);
                double previous = 0;
                while (!writersDone.IsCancellationRequested)
                {
                    // Every concurrent snapshot is a valid exposition and counters never go back.
                    var exposition = harness.ScrapeParsed();
                    var total = exposition.Families["events_total"].Samples.Sum(s => s.Value);
                    Assert.True(total >= previous, $"events_total went from {previous} to {total}");
                    previous = total;
                    scrapes++;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        await Task.WhenAll(writers).WaitAsync(Timeout);
        await writersDone.CancelAsync();
        await scraper.WaitAsync(Timeout);

        var final = harness.ScrapeParsed();
        const int Half = Writers * PerWriter / 2;
        Assert.Equal(Half, final.Value("events_total", ("parity", "even")));
        Assert.Equal(Half, final.Value("events_total", ("parity", "odd")));
        Assert.Equal(Half * 0.25, final.Value("seconds_total", ("parity", "even")));
        Assert.Equal(0, final.Value("in_flight"));
        Assert.Equal(Half, final.Value("latency_seconds_bucket", ("parity", "even"), ("le", "0.5")));
        Assert.Equal(0, final.Value("latency_seconds_bucket", ("parity", "odd"), ("le", "1")));
        Assert.Equal(Half, final.Value("latency_seconds_count", ("parity", "odd")));
        Assert.Equal(Half * 1.5, final.Value("latency_seconds_sum", ("parity", "odd")));
        Assert.True(scrapes > 0);
    }

    [Fact]
    public async Task New_label_sets_created_from_many_threads_each_get_exactly_one_series()
    {
        const int Writers = 6;
        const int Tenants = 300;
        using var harness = new ExporterHarness();
        var counter = harness.Meter.CreateCounter<long>("calls_total");
        using var start = new Barrier(Writers);

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Timeout);
                for (var t = 0; t < Tenants; t++)
                {
                    // Half the writers pass the tags in the other order: still one series per tenant.
                    var tenant = new KeyValuePair<string, object?>("tenant", "t" + t);
                    var provider = new KeyValuePair<string, object?>("provider", "p");
                    if ((w & 1) == 0)
                    {
                        counter.Add(1, tenant, provider);
                    }
                    else
                    {
                        counter.Add(1, provider, tenant);
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(writers).WaitAsync(Timeout);

        var samples = harness.ScrapeParsed().Families["calls_total"].Samples;

        Assert.Equal(Tenants, samples.Count);
        Assert.All(samples, s => Assert.Equal(Writers, s.Value));
    }
}
