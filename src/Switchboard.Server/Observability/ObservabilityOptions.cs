using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Observability;

/// <summary>Configuration section <c>Observability</c>.</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>Also export the .NET runtime meter (<c>System.Runtime</c>: GC, thread pool, CPU, memory).</summary>
    public bool IncludeRuntimeMetrics { get; set; } = true;

    /// <summary>Most label sets per metric before measurements go to an overflow series.</summary>
    [Range(1, 1_000_000)]
    public int MaxSeriesPerMetric { get; set; } = PrometheusExporter.DefaultMaxSeriesPerMetric;
}

[OptionsValidator]
internal sealed partial class ObservabilityOptionsValidator : IValidateOptions<ObservabilityOptions>;
