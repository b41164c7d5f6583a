using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Switchboard.Server.Tests.Recordings;

/// <summary>Sums what one host's instruments (those its <see cref="IMeterFactory"/> made) record, by name and tag value.</summary>
public sealed class MetricReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public MetricReader(IMeterFactory hostMeters, string namePrefix)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, hostMeters) && instrument.Name.StartsWith(namePrefix, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                key += $"|{tag.Key}={tag.Value}";
            }

            if (instrument is ObservableGauge<long>)
            {
                _sums[key] = value;
            }
            else
            {
                _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    /// <summary>Counter sum, or the gauge's last observed value; key is <c>name</c> or <c>name|tag=value</c>.</summary>
    public long this[string key]
    {
        get
        {
            _listener.RecordObservableInstruments();
            return _sums.GetValueOrDefault(key);
        }
    }

    public void Dispose() => _listener.Dispose();
}
