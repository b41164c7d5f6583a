using System.Diagnostics.Metrics;
using Switchboard.Server.Observability;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>Helpdesk webhook instruments, on the product meter so <c>/metrics</c> exports them.</summary>
public sealed class HelpdeskMetrics
{
    private readonly Counter<long> _deliveries;
    private long _pending;

    public HelpdeskMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(SwitchboardMetrics.MeterName);
        _deliveries = meter.CreateCounter<long>(
            "switchboard_helpdesk_webhook_deliveries_total",
            description: "Ticket webhook tries, by result: delivered, retry, failed, skipped.");
        meter.CreateObservableGauge(
            "switchboard_helpdesk_webhook_pending",
            () => Interlocked.Read(ref _pending),
            description: "Ticket webhooks waiting to be delivered, as of the dispatcher's last look.");
    }

    public void Delivery(string result) => _deliveries.Add(1, new KeyValuePair<string, object?>("result", result));

    public void SetPending(long pending) => Interlocked.Exchange(ref _pending, pending);
}
