using System.Buffers;
using System.Diagnostics.Metrics;
using Switchboard.Server.Observability.Prometheus;

namespace Switchboard.Server.Observability;

/// <summary>
/// Aggregates the measurements of selected instruments with a <see cref="MeterListener"/> and renders them
/// in the Prometheus text exposition format 0.0.4. Recording a known tag set is lock-free and allocates
/// nothing; a scrape observes the observable instruments, then writes every metric family.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const int DefaultMaxSeriesPerMetric = 2000;

    private readonly Func<Instrument, bool> _include;
    private readonly ILogger _logger;
    private readonly int _maxSeriesPerMetric;
    private readonly Lock _familiesGate = new();
    private readonly Lock _scrapeGate = new();
    private readonly Dictionary<string, MetricFamily> _familiesByName = new(StringComparer.Ordinal);
    private readonly MeterListener _listener;
    private MetricFamily[] _families = [];

    /// <param name="include">Which published instruments to export.</param>
    /// <param name="logger">Where name conflicts and cardinality overflow are reported.</param>
    /// <param name="maxSeriesPerMetric">Most label sets per metric; more are counted under <c>otel_metric_overflow="true"</c>.</param>
    public PrometheusExporter(Func<Instrument, bool> include, ILogger<PrometheusExporter> logger, int maxSeriesPerMetric = DefaultMaxSeriesPerMetric)
    {
        ArgumentNullException.ThrowIfNull(include);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeriesPerMetric, 1);
        _include = include;
        _logger = logger;
        _maxSeriesPerMetric = maxSeriesPerMetric;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record((long)value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record((long)value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record((long)value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Names of the metric families currently exported, in output order.</summary>
    public IReadOnlyList<string> MetricNames => Array.ConvertAll(Volatile.Read(ref _families), family => family.Name);

    /// <summary>Observes the observable instruments, then writes the whole exposition to <paramref name="output"/>.</summary>
    public void Write(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_scrapeGate)
        {
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (Exception exception)
            {
                // One failing callback must not hide every other metric.
                Log.ObservationFailed(_logger, exception);
            }

            var writer = new PrometheusTextWriter(output);
            foreach (var family in Volatile.Read(ref _families))
            {
                family.Write(writer);
            }
        }
    }

    /// <summary>Serves <c>GET /metrics</c>.</summary>
    public async Task WriteResponseAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        Write(context.Response.BodyWriter);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_include(instrument))
        {
            return;
        }

        var family = CreateFamily(instrument);
        if (family is null)
        {
            return;
        }

        lock (_familiesGate)
        {
            if (_familiesByName.TryGetValue(family.Name, out var existing))
            {
                Log.MetricNameTaken(_logger, family.Name, instrument.Meter.Name, existing.Instrument.Meter.Name);
                return;
            }

            _familiesByName.Add(family.Name, family);
            Volatile.Write(ref _families, [.. _families, family]);
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not MetricFamily family)
        {
            return;
        }

        lock (_familiesGate)
        {
            _familiesByName.Remove(family.Name);
            Volatile.Write(ref _families, Array.FindAll(_families, f => f != family));
        }
    }

    private MetricFamily? CreateFamily(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var valueType = type.GetGenericArguments()[0];
        var integral = valueType == typeof(long) || valueType == typeof(int) || valueType == typeof(short) || valueType == typeof(byte);

        if (definition == typeof(Counter<>))
        {
            return new NumberFamily(instrument, PrometheusNames.Counter, integral, cumulative: true, _maxSeriesPerMetric, OnSeriesLimitReached);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return new NumberFamily(instrument, PrometheusNames.Gauge, integral, cumulative: true, _maxSeriesPerMetric, OnSeriesLimitReached);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return new NumberFamily(instrument, PrometheusNames.Counter, integral, cumulative: false, _maxSeriesPerMetric, OnSeriesLimitReached);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>))
        {
            return new NumberFamily(instrument, PrometheusNames.Gauge, integral, cumulative: false, _maxSeriesPerMetric, OnSeriesLimitReached);
        }

        if (definition == typeof(Histogram<>))
        {
            return new HistogramFamily(instrument, AdvisedBounds(instrument), _maxSeriesPerMetric, OnSeriesLimitReached);
        }

        return null;
    }

    private static IEnumerable<double>? AdvisedBounds(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        _ => null,
    };

    private void OnSeriesLimitReached(MetricFamily family) =>
        Log.SeriesLimitReached(_logger, family.Name, _maxSeriesPerMetric);
}
