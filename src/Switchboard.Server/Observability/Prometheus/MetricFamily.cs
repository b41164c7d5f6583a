using System.Diagnostics.Metrics;
using System.Text;

namespace Switchboard.Server.Observability.Prometheus;

/// <summary>One instrument's aggregation and its rendering as a metric family (HELP, TYPE, samples).</summary>
internal abstract class MetricFamily
{
    private readonly byte[] _header;

    protected MetricFamily(Instrument instrument, string type)
    {
        Instrument = instrument;
        Name = PrometheusNames.MetricName(instrument.Name, instrument.Unit, type);
        NameUtf8 = Encoding.UTF8.GetBytes(Name);
        var help = PrometheusNames.EscapeHelp(string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description);
        _header = Encoding.UTF8.GetBytes($"# HELP {Name} {help}\n# TYPE {Name} {type}\n");
    }

    public Instrument Instrument { get; }

    public string Name { get; }

    protected byte[] NameUtf8 { get; }

    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public void Write(PrometheusTextWriter writer)
    {
        writer.Write(_header);
        WriteSamples(writer);
    }

    protected abstract void WriteSamples(PrometheusTextWriter writer);
}

/// <summary>
/// Counters and gauges. Synchronous counters and up-down counters add; observable instruments and
/// <see cref="Gauge{T}"/> report the current value, so they set. A counter ignores negative (and NaN) values.
/// </summary>
internal sealed class NumberFamily : MetricFamily
{
    private readonly SeriesTable<NumberSeries> _series;
    private readonly bool _integral;
    private readonly bool _cumulative;
    private readonly bool _monotonic;

    public NumberFamily(Instrument instrument, string type, bool integral, bool cumulative, int seriesLimit, Action<MetricFamily> limitReached)
        : base(instrument, type)
    {
        _integral = integral;
        _cumulative = cumulative;
        _monotonic = type == PrometheusNames.Counter;
        _series = new SeriesTable<NumberSeries>(static labels => new NumberSeries(labels), seriesLimit, null, () => limitReached(this));
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_monotonic && value < 0)
        {
            return;
        }

        var series = _series.Get(tags);
        if (_cumulative)
        {
            series.Add(value);
        }
        else
        {
            series.Set(value);
        }
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_monotonic && !(value >= 0))
        {
            return;
        }

        var series = _series.Get(tags);
        if (_cumulative)
        {
            series.Add(value);
        }
        else
        {
            series.Set(value);
        }
    }

    protected override void WriteSamples(PrometheusTextWriter writer)
    {
        var all = _series.All;
        if (all.IsEmpty)
        {
            // Scrapers see the metric from start-up, before anything was counted.
            writer.Sample(NameUtf8, [], 0L);
            return;
        }

        foreach (var series in all)
        {
            if (_integral)
            {
                writer.Sample(NameUtf8, series.Labels, series.LongValue);
            }
            else
            {
                writer.Sample(NameUtf8, series.Labels, series.DoubleValue);
            }
        }
    }
}

/// <summary>Histogram with fixed bucket bounds: cumulative <c>_bucket</c> lines, <c>_sum</c> and <c>_count</c>.</summary>
internal sealed class HistogramFamily : MetricFamily
{
    /// <summary>OpenTelemetry's default explicit bounds, for histograms without advice.</summary>
    public static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static readonly byte[] PositiveInfinity = "+Inf"u8.ToArray();

    private readonly double[] _bounds;
    private readonly byte[][] _formattedBounds;
    private readonly byte[] _bucketName;
    private readonly byte[] _sumName;
    private readonly byte[] _countName;
    private readonly SeriesTable<HistogramSeries> _series;

    public HistogramFamily(Instrument instrument, IEnumerable<double>? bounds, int seriesLimit, Action<MetricFamily> limitReached)
        : base(instrument, PrometheusNames.Histogram)
    {
        _bounds = bounds is null ? DefaultBounds : [.. bounds.Where(double.IsFinite).Distinct().Order()];
        _formattedBounds = [.. _bounds.Select(PrometheusTextWriter.FormatDouble), PositiveInfinity];
        _bucketName = Encoding.UTF8.GetBytes(Name + "_bucket");
        _sumName = Encoding.UTF8.GetBytes(Name + "_sum");
        _countName = Encoding.UTF8.GetBytes(Name + "_count");
        var bucketCount = _bounds.Length + 1;
        _series = new SeriesTable<HistogramSeries>(labels => new HistogramSeries(labels, bucketCount), seriesLimit, "le", () => limitReached(this));
    }

    public IReadOnlyList<double> Bounds => _bounds;

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _series.Get(tags).Record(value, _bounds);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _series.Get(tags).Record(value, _bounds);

    protected override void WriteSamples(PrometheusTextWriter writer)
    {
        var all = _series.All;
        if (all.IsEmpty)
        {
            foreach (var le in _formattedBounds)
            {
                writer.Bucket(_bucketName, [], le, 0);
            }

            writer.Sample(_sumName, [], 0L);
            writer.Sample(_countName, [], 0L);
            return;
        }

        foreach (var series in all)
        {
            // Count is the running total of this snapshot, so +Inf equals _count even while observations land.
            long cumulative = 0;
            for (var i = 0; i < _formattedBounds.Length; i++)
            {
                cumulative += series.CountAt(i);
                writer.Bucket(_bucketName, series.Labels, _formattedBounds[i], cumulative);
            }

            writer.Sample(_sumName, series.Labels, series.Sum);
            writer.Sample(_countName, series.Labels, cumulative);
        }
    }
}
