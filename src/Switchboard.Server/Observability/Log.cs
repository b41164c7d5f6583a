namespace Switchboard.Server.Observability;

/// <summary>Observability log messages, event ids 9000-9099.</summary>
internal static partial class Log
{
    [LoggerMessage(9001, LogLevel.Warning, "Metric {MetricName} of meter {MeterName} is not exported: meter {OtherMeterName} already exports a metric of that name")]
    public static partial void MetricNameTaken(ILogger logger, string metricName, string meterName, string otherMeterName);

    [LoggerMessage(9002, LogLevel.Warning, "Metric {MetricName} reached its limit of {Limit} label sets; further label sets are counted under otel_metric_overflow=\"true\"")]
    public static partial void SeriesLimitReached(ILogger logger, string metricName, int limit);

    [LoggerMessage(9003, LogLevel.Error, "Observable instruments failed while collecting metrics for a scrape")]
    public static partial void ObservationFailed(ILogger logger, Exception exception);
}
