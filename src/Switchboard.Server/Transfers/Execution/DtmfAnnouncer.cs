using Microsoft.Extensions.Options;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Server.Telephony;

namespace Switchboard.Server.Transfers.Execution;

/// <summary>
/// The built-in announcer: plays <see cref="TransferExecutionOptions.AnnouncementSound"/> on the human's leg
/// (<c>uuid_broadcast &lt;uuid&gt; &lt;sound&gt; aleg</c>: only the human hears it, not the conference) and reads the human's
/// key from the leg's DTMF events: <see cref="TransferExecutionOptions.AcceptDigit"/> accepts,
/// <see cref="TransferExecutionOptions.RefuseDigit"/> refuses; other keys are ignored. A hangup ends it at once.
/// </summary>
public sealed class DtmfAnnouncer : IAnnouncer
{
    private readonly PbxConnection _pbx;
    private readonly TimeProvider _time;
    private readonly TransferExecutionOptions _options;

    public DtmfAnnouncer(PbxConnection pbx, TimeProvider time, IOptions<TransferExecutionOptions> options)
    {
        _pbx = pbx;
        _time = time;
        _options = options.Value;
    }

    public async Task<AnnouncementDecision> AnnounceAsync(AnnouncementRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        EventSocketClient esl = _pbx.Client;
        using EventSubscription events = esl.Subscribe(request.HumanLegUuid);
        await esl.BroadcastAsync(request.HumanLegUuid, _options.AnnouncementSound, BroadcastLeg.ALeg, ct);

        using var timeout = new CancellationTokenSource(request.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        AnnouncementDecision? decision = null;
        try
        {
            await foreach (EventSocketEvent e in events.Reader.ReadAllAsync(linked.Token))
            {
                decision = Decide(e);
                if (decision is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            decision = AnnouncementDecision.TimedOut;
        }

        if (decision is null)
        {
            // The subscription ended: the Event Socket client was disposed.
            throw new EventSocketDisconnectedException("The Event Socket client stopped during the announcement.");
        }

        if (decision.Kind != AnnouncementDecisionKind.HumanHungUp)
        {
            try
            {
                // Stop the announcement if it is still playing.
                await esl.BreakAsync(request.HumanLegUuid, all: true, ct);
            }
            catch (EventSocketCommandException)
            {
                // The human hung up meanwhile; the executor sees that too.
            }
        }

        return decision;
    }

    private AnnouncementDecision? Decide(EventSocketEvent e)
    {
        switch (e.Name)
        {
            case "DTMF":
                string? digit = e["DTMF-Digit"];
                if (digit is { Length: 1 } && digit[0] == _options.AcceptDigit)
                {
                    return AnnouncementDecision.Accepted;
                }

                return digit is { Length: 1 } && digit[0] == _options.RefuseDigit
                    ? AnnouncementDecision.Refused($"pressed {digit}")
                    : null;
            case "CHANNEL_HANGUP":
            case "CHANNEL_HANGUP_COMPLETE":
                return AnnouncementDecision.HumanHungUp;
            default:
                return null;
        }
    }
}
