using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Observability;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Observability;

/// <summary>A private meter and an exporter that listens to it alone.</summary>
internal sealed class ExporterHarness : IDisposable
{
    public ExporterHarness(int maxSeriesPerMetric = PrometheusExporter.DefaultMaxSeriesPerMetric)
    {
        Meter = new Meter("Switchboard.Tests." + Guid.NewGuid().ToString("N"));
        Exporter = new PrometheusExporter(instrument => instrument.Meter == Meter, Logger, maxSeriesPerMetric);
    }

    public Meter Meter { get; }

    public RecordingLogger<PrometheusExporter> Logger { get; } = new();

    public PrometheusExporter Exporter { get; }

    public string Scrape()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Exporter.Write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public PrometheusExposition ScrapeParsed() => PrometheusTextParser.Parse(Scrape());

    public void Dispose()
    {
        Exporter.Dispose();
        Meter.Dispose();
    }
}

internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, EventId Id, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}
