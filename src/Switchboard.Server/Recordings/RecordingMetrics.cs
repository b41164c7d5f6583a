using System.Diagnostics.Metrics;
using Switchboard.Server.Observability;

namespace Switchboard.Server.Recordings;

/// <summary>Recording upload instruments, on the product meter (<see cref="SwitchboardMetrics.MeterName"/>) so <c>/metrics</c> exports them.</summary>
public sealed class RecordingMetrics
{
    private readonly Counter<long> _uploaded;
    private readonly Counter<long> _failed;
    private long _pending;

    public RecordingMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(SwitchboardMetrics.MeterName);
        _uploaded = meter.CreateCounter<long>(
            "switchboard_recording_uploads_total",
            description: "Call recordings stored (S3 or the local folder).");
        _failed = meter.CreateCounter<long>(
            "switchboard_recording_upload_failures_total",
            description: "Failed recording upload tries (retried later), and recordings given up as missing, by reason.");
        meter.CreateObservableGauge(
            "switchboard_recording_uploads_pending",
            () => Interlocked.Read(ref _pending),
            description: "Recordings waiting to be stored, as of the upload worker's last look.");
    }

    public void Uploaded() => _uploaded.Add(1);

    /// <summary>An upload try failed (<c>storage</c>) or a recording was given up (<c>missing</c>).</summary>
    public void Failed(string reason) => _failed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SetPending(long pending) => Interlocked.Exchange(ref _pending, pending);
}
