using System.Globalization;
using Microsoft.Extensions.Options;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Server.Observability;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers.Execution;

/// <summary>
/// Runs transfers on the PBX over the Event Socket (seed 1 attended, seed 2 announced), measured behaviour from
/// freeswitch-verified.md: music on hold with <c>uuid_broadcast … aleg</c> and <c>uuid_break … all</c> (Q6), originate
/// results and timings (Q7), conference flags in pipe form with <c>,park</c> and member commands by member id (Q5).
/// Each attempt writes a <see cref="TransferAttempt"/> row; each transfer counts once in <c>switchboard_transfers_total</c>.
/// Whatever happens, the caller ends bridged (or talking in the conference) or back in park, and no leg or conference
/// of ours is left behind.
/// </summary>
public sealed partial class TransferExecutor
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HangupEventGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MusicStopGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CleanupRetryPause = TimeSpan.FromMilliseconds(200);

    private readonly PbxConnection _pbx;
    private readonly IAnnouncer _announcer;
    private readonly IServiceScopeFactory _scopes;
    private readonly SwitchboardMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TransferExecutionOptions _options;
    private readonly ILogger<TransferExecutor> _logger;

    public TransferExecutor(
        PbxConnection pbx,
        IAnnouncer announcer,
        IServiceScopeFactory scopes,
        SwitchboardMetrics metrics,
        TimeProvider time,
        IOptions<TransferExecutionOptions> options,
        ILogger<TransferExecutor> logger)
    {
        _pbx = pbx;
        _announcer = announcer;
        _scopes = scopes;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// Attended transfer (seed 1): the secretary pauses, the caller hears music on hold, the destination rings with the
    /// caller's id for its ring timeout, and is retried after the destination's retry delay on busy, no answer or a
    /// technical failure (not on a rejection or an unavailable phone). On answer the music stops and the caller is
    /// bridged to the human (with <c>park_after_bridge</c>, so the caller returns to park when the human hangs up). On
    /// failure the music stops, the caller stays parked and the secretary resumes.
    /// </summary>
    public async Task<TransferOutcome> AttendedAsync(ITransferCaller caller, TransferDestination destination, CancellationToken ct)
    {
        Validate(caller, destination);
        long started = _time.GetTimestamp();
        EventSocketClient esl = _pbx.Client;
        string domain = await TenantDomainAsync(caller.TenantId, ct);
        await caller.PauseAgentAsync(ct);
        if (destination.DestinationType == TransferDestinationType.Voicemail)
        {
            return await VoicemailAsync(esl, caller, destination, TransferMode.Attended, domain, started, ct);
        }

        DialTarget target = TransferDialStrings.Resolve(destination, domain, _options);
        if (target.Error is not null)
        {
            return await UnroutableAsync(caller, destination, TransferMode.Attended, target.Error, started, ct);
        }

        await using LegWatch callerLeg = LegWatch.Start(esl, caller.CallUuid);
        AttemptResult last = new(TransferAttemptResult.Failed, null, null, null, null, false, null);
        int attempts = 0;
        bool music = false;
        try
        {
            await esl.BroadcastAsync(caller.CallUuid, _options.MusicOnHold, BroadcastLeg.ALeg, ct);
            music = true;
            while (true)
            {
                attempts++;
                if (attempts > 1 && !await RetryDelayAsync(destination, callerLeg, null, ct))
                {
                    attempts--;
                    last = CallerGone(last.LegUuid);
                    break;
                }

                TransferAttempt row = await BeginAttemptAsync(caller, destination, TransferMode.Attended, attempts, null, ct);
                try
                {
                    last = await RingAsync(esl, caller, target.DialString!, destination, "park", null, callerLeg, ct);
                    if (last.Result == TransferAttemptResult.Success)
                    {
                        last = await BridgeAsync(esl, caller, callerLeg, last, ct);

                        // Never uuid_break a bridged caller; after a failed bridge a break is harmless.
                        music = last.Result != TransferAttemptResult.Success;
                    }
                }
                catch (OperationCanceledException)
                {
                    await EndAttemptAsync(caller, destination, row, Cancelled(last));
                    throw;
                }

                await EndAttemptAsync(caller, destination, row, last);
                if (last.Result == TransferAttemptResult.Success || last.CallerHungUp || attempts >= MaxAttempts(destination) || !ShouldRetry(last))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (IsPbxFailure(ex))
        {
            last = last with { Result = TransferAttemptResult.Failed, Error = ex.Message };
        }
        finally
        {
            if (music && !callerLeg.HungUp.IsCompleted)
            {
                await BreakQuietlyAsync(esl, caller.CallUuid);
            }
        }

        if (last.Result != TransferAttemptResult.Success && callerLeg.HungUp.IsCompleted)
        {
            last = last with { CallerHungUp = true };
        }

        return await FinishAsync(caller, destination, TransferMode.Attended, last, attempts, started, null, null, ct);
    }

    /// <summary>Stops the music (and waits, briefly, for its PLAYBACK_STOP: ~40 ms, verified Q6), keeps the caller
    /// parked after the bridge ends, bridges caller and human. A failure hangs up the human's leg: the caller must not
    /// stay with a human it is not bridged to.</summary>
    private async Task<AttemptResult> BridgeAsync(EventSocketClient esl, ITransferCaller caller, LegWatch callerLeg, AttemptResult answered, CancellationToken ct)
    {
        string human = answered.LegUuid!;
        try
        {
            Task musicStopped = callerLeg.PlaybackStopped;
            await esl.BreakAsync(caller.CallUuid, all: true, ct);
            try
            {
                await musicStopped.WaitAsync(MusicStopGrace, _time, ct);
            }
            catch (TimeoutException)
            {
                // No PLAYBACK_STOP seen: bridge anyway, the bridge ends the playback too.
            }

            await esl.SetVarAsync(caller.CallUuid, "park_after_bridge", "true", ct);
            await esl.BridgeAsync(caller.CallUuid, human, ct);
            return answered;
        }
        catch (Exception ex) when (IsPbxFailure(ex))
        {
            await KillQuietlyAsync(esl, human);
            return answered with { Result = TransferAttemptResult.Failed, Error = ex.Message };
        }
        catch (OperationCanceledException)
        {
            await KillQuietlyAsync(esl, human);
            throw;
        }
    }

    /// <summary>One originate to the destination, with the caller's id, the destination's ring timeout and
    /// <c>ignore_early_media</c> (so <c>+OK</c> means answered). The leg is watched before it exists, for its
    /// <c>sip_term_status</c>. When the caller hangs up, the Event Socket fails or the call is cancelled, the ringing leg
    /// is hung up: a lost BACKGROUND_JOB would otherwise leave it ringing (freeswitch.md §1.11).</summary>
    private async Task<AttemptResult> RingAsync(
        EventSocketClient esl, ITransferCaller caller, string dialString, TransferDestination destination, string application, string? arguments,
        LegWatch callerLeg, CancellationToken ct, string? legUuid = null, string? conference = null)
    {
        legUuid ??= Guid.NewGuid().ToString();
        await using LegWatch leg = LegWatch.Start(esl, legUuid);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (conference is not null)
        {
            // The human's keys answer the announcement; the profile's caller controls would also act on them
            // (1 = talk volume down in the stock profile). mod_conference reads conference_controls [src, unverified].
            variables["conference_controls"] = "none";

            // mod_conference reads the joining channel's conference_member_flags: the human leaving ends the conference.
            variables["conference_member_flags"] = "endconf";
        }

        var request = new OriginateRequest
        {
            Variables = variables,
            DialString = dialString,
            Uuid = legUuid,
            CallerIdNumber = caller.CallerNumber,
            CallerIdName = string.IsNullOrWhiteSpace(caller.CallerName) ? null : caller.CallerName,
            TimeoutSeconds = Math.Max(1, destination.RingTimeoutSeconds),
            IgnoreEarlyMedia = true,
            Application = application,
            ApplicationArgs = arguments,
        };

        Task<OriginateResult> originate = esl.OriginateAsync(request, ct);
        OriginateResult result;
        try
        {
            if (await Task.WhenAny(originate, callerLeg.HungUp) != originate)
            {
                await KillQuietlyAsync(esl, legUuid);
                await ObserveAsync(originate);
                return CallerGone(legUuid) with { Conference = conference };
            }

            result = await originate;
        }
        catch (Exception ex) when (IsPbxFailure(ex))
        {
            await KillQuietlyAsync(esl, legUuid);
            return new AttemptResult(TransferAttemptResult.Failed, null, null, legUuid, ex.Message, false, conference);
        }
        catch (OperationCanceledException)
        {
            await KillQuietlyAsync(esl, legUuid);
            throw;
        }

        if (result.Answered)
        {
            return new AttemptResult(TransferAttemptResult.Success, null, null, legUuid, null, false, conference);
        }

        int? sip = null;
        if (leg.SeenAnyEvent || leg.HungUp.IsCompleted)
        {
            try
            {
                EventSocketEvent complete = await leg.HangupComplete.WaitAsync(HangupEventGrace, _time, ct);
                sip = int.TryParse(complete["variable_sip_term_status"], NumberStyles.None, CultureInfo.InvariantCulture, out int status) ? status : null;
            }
            catch (TimeoutException)
            {
                // No CHANNEL_HANGUP_COMPLETE in time: fall back to the cause's status.
            }
        }

        sip ??= result.Cause is { } cause ? HangupCauses.ToSipCode(cause) : null;
        return new AttemptResult(
            ToAttemptResult(result.Outcome),
            result.Cause is { } c ? HangupCauses.ToName(c) : null,
            sip,
            legUuid,
            result.Cause is null ? result.RawReply.Trim() : null,
            false,
            conference);
    }

    /// <summary>A voicemail destination is not dialled: the caller goes to FusionPBX's <c>*99&lt;ext&gt;</c> (freeswitch.md
    /// §2.14), a blind hand-off; the secretary's part of the call ends there.</summary>
    /// <summary>
    /// The <c>voicemail</c> fallback of a destination that could not take the call: the caller goes to the voicemail box
    /// of the destination's extension (<c>*99&lt;extension&gt;</c> in its context, FusionPBX), recorded as one more attempt.
    /// Only extensions and voicemail destinations have a box; for the others the result is Failed without dialling.
    /// </summary>
    public async Task<TransferOutcome> VoicemailFallbackAsync(ITransferCaller caller, TransferDestination destination, CancellationToken ct)
    {
        Validate(caller, destination);
        long started = _time.GetTimestamp();
        if (destination.DestinationType is not (TransferDestinationType.Extension or TransferDestinationType.Voicemail))
        {
            return new TransferOutcome { Result = TransferAttemptResult.Failed, Error = $"A {destination.DestinationType} destination has no voicemail box.", Duration = _time.GetElapsedTime(started) };
        }

        string domain = await TenantDomainAsync(caller.TenantId, ct);
        return await VoicemailAsync(_pbx.Client, caller, destination, destination.TransferMode, domain, started, ct);
    }

    private async Task<TransferOutcome> VoicemailAsync(
        EventSocketClient esl, ITransferCaller caller, TransferDestination destination, TransferMode mode, string domain, long started, CancellationToken ct)
    {
        TransferAttempt row = await BeginAttemptAsync(caller, destination, mode, 1, null, ct);
        AttemptResult result;
        try
        {
            await esl.TransferAsync(caller.CallUuid, "*99" + destination.DestinationNumber.Trim(), "XML", TransferDialStrings.Context(destination, domain), ct);
            result = new AttemptResult(TransferAttemptResult.Success, null, null, null, null, false, null);
        }
        catch (Exception ex) when (IsPbxFailure(ex))
        {
            result = new AttemptResult(TransferAttemptResult.Failed, null, null, null, ex.Message, false, null);
        }

        await EndAttemptAsync(caller, destination, row, result);
        return await FinishAsync(caller, destination, mode, result, 1, started, null, null, ct);
    }

    /// <summary>Nothing can be dialled (no gateway, bad number): one failed attempt row, the secretary resumes.</summary>
    private async Task<TransferOutcome> UnroutableAsync(
        ITransferCaller caller, TransferDestination destination, TransferMode mode, string error, long started, CancellationToken ct)
    {
        TransferAttempt row = await BeginAttemptAsync(caller, destination, mode, 1, null, ct);
        var result = new AttemptResult(TransferAttemptResult.Failed, null, null, null, error, false, null);
        await EndAttemptAsync(caller, destination, row, result);
        return await FinishAsync(caller, destination, mode, result, 0, started, null, null, ct);
    }

    /// <summary>Counts and logs the transfer, resumes the secretary unless the caller was handed over or hung up.</summary>
    private async Task<TransferOutcome> FinishAsync(
        ITransferCaller caller, TransferDestination destination, TransferMode mode, AttemptResult last, int attempts, long started,
        string? conference, AnnouncementDecision? decision, CancellationToken ct)
    {
        TimeSpan duration = _time.GetElapsedTime(started);
        var outcome = new TransferOutcome
        {
            Result = last.Result,
            SipCode = last.Result == TransferAttemptResult.Success ? null : last.SipCode,
            HangupCause = last.Result == TransferAttemptResult.Success ? null : last.Cause,
            Attempts = attempts,
            Duration = duration,
            HumanLegUuid = last.LegUuid,
            ConferenceName = conference,
            Decision = decision,
            Error = last.Error,
            CallerHungUp = last.CallerHungUp,
        };

        _metrics.TransferCompleted(ResultLabel(outcome.Result));
        Log.TransferFinished(_logger, caller.CallUuid, caller.TenantId, destination.Name, mode.ToString(), ResultLabel(outcome.Result), attempts, (long)duration.TotalMilliseconds);
        if (outcome.Error is not null)
        {
            Log.TransferFailed(_logger, caller.CallUuid, outcome.Error);
        }

        if (!outcome.Succeeded && !outcome.CallerHungUp)
        {
            await caller.ResumeAgentAsync(ct);
        }

        return outcome;
    }

    /// <summary>Waits the destination's retry delay; false when the caller hung up (or the connection dropped) meanwhile.</summary>
    private async Task<bool> RetryDelayAsync(TransferDestination destination, LegWatch callerLeg, ConnectionWatch? connection, CancellationToken ct)
    {
        TimeSpan delay = TimeSpan.FromSeconds(Math.Max(0, destination.RetryDelaySeconds));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task wait = Task.Delay(delay, _time, stop.Token);
        Task first = await Task.WhenAny(wait, callerLeg.HungUp, connection?.Lost ?? Task.Delay(Timeout.Infinite, stop.Token));
        await stop.CancelAsync();
        await ObserveAsync(wait);
        ct.ThrowIfCancellationRequested();
        return first == wait;
    }

    private async Task<string> TenantDomainAsync(Guid tenantId, CancellationToken ct)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        Tenant tenant = await scope.ServiceProvider.GetRequiredService<TenantDirectory>().FindByIdAsync(tenantId, ct)
            ?? throw new InvalidOperationException($"Tenant {tenantId} does not exist.");
        return tenant.DomainName;
    }

    private Task KillQuietlyAsync(EventSocketClient esl, string uuid) =>
        CleanupAsync(ct => esl.KillAsync(uuid, null, ct), uuid, null);

    private Task BreakQuietlyAsync(EventSocketClient esl, string uuid) =>
        CleanupAsync(ct => esl.BreakAsync(uuid, all: true, ct), uuid, null);

    /// <summary>Runs a clean-up command until it is answered: a command sent as the connection drops fails at once,
    /// and it is sent again (after a short pause) once the client has reconnected, within <see cref="CleanupTimeout"/>.
    /// A <c>-ERR</c> reply (no such channel or member) means there is nothing left to clean.</summary>
    private async Task CleanupAsync(Func<CancellationToken, Task> command, string uuid, string? conference)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout, _time);
        while (true)
        {
            try
            {
                await command(timeout.Token);
                return;
            }
            catch (EventSocketCommandException)
            {
                return;
            }
            catch (Exception ex) when ((ex is EventSocketDisconnectedException or TimeoutException) && !timeout.IsCancellationRequested)
            {
                await Task.Delay(CleanupRetryPause, _time, CancellationToken.None);
            }
            catch (Exception ex) when (IsPbxFailure(ex) || ex is OperationCanceledException)
            {
                Log.CleanupFailed(_logger, uuid, conference, ex);
                return;
            }
        }
    }

    /// <summary>Awaits a task whose result no longer matters, so that its failure is observed.</summary>
    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Superseded: the caller hung up or the wait was cancelled.
        }
    }

    private static void Validate(ITransferCaller caller, TransferDestination destination)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentException.ThrowIfNullOrWhiteSpace(caller.CallUuid);
        ArgumentException.ThrowIfNullOrWhiteSpace(caller.CallerNumber);
        if (destination.TenantId != caller.TenantId)
        {
            throw new ArgumentException($"Destination {destination.Id} belongs to another tenant than call {caller.CallUuid}.", nameof(destination));
        }
    }

    private static int MaxAttempts(TransferDestination destination) => 1 + Math.Max(0, destination.MaxRetries);

    /// <summary>Busy, no answer and technical failures may clear up; a refusal or a phone that is not there will not.</summary>
    private static bool ShouldRetry(AttemptResult result) =>
        result.Result is TransferAttemptResult.Busy or TransferAttemptResult.NoAnswer
        || (result.Result == TransferAttemptResult.Failed && result.Cause is not null);

    private static bool IsPbxFailure(Exception ex) =>
        ex is EventSocketException or EventSocketCommandException or EventSocketDisconnectedException or TimeoutException;

    private static AttemptResult Cancelled(AttemptResult last) =>
        last with { Result = TransferAttemptResult.Failed, Cause = null, SipCode = null, Error = "The transfer was cancelled." };

    private static AttemptResult CallerGone(string? legUuid) =>
        new(TransferAttemptResult.Failed, null, null, legUuid, "The caller hung up during the transfer.", true, null);

    private static TransferAttemptResult ToAttemptResult(TransferResult result) => result switch
    {
        TransferResult.Success => TransferAttemptResult.Success,
        TransferResult.Busy => TransferAttemptResult.Busy,
        TransferResult.NoAnswer => TransferAttemptResult.NoAnswer,
        TransferResult.Unavailable => TransferAttemptResult.Unavailable,
        TransferResult.Rejected => TransferAttemptResult.Rejected,
        _ => TransferAttemptResult.Failed,
    };

    /// <summary>The <c>result</c> label of <c>switchboard_transfers_total</c>.</summary>
    public static string ResultLabel(TransferAttemptResult result) => result switch
    {
        TransferAttemptResult.Success => "success",
        TransferAttemptResult.Busy => "busy",
        TransferAttemptResult.NoAnswer => "no_answer",
        TransferAttemptResult.Unavailable => "unavailable",
        TransferAttemptResult.Rejected => "rejected",
        _ => "failed",
    };

    /// <summary>How one attempt ended.</summary>
    private readonly record struct AttemptResult(
        TransferAttemptResult Result, string? Cause, int? SipCode, string? LegUuid, string? Error, bool CallerHungUp, string? Conference);
}
