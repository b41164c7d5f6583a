using Switchboard.Protocols.FreeSwitch.EventSocket;

namespace Switchboard.Server.Transfers.Execution;

public sealed partial class TransferExecutor
{
    /// <summary>Pipe-separated: with a comma the inline dialplan splits the flags and drops moderator (verified Q5).
    /// <c>endconf</c>: when the caller leaves, the conference ends and the human is hung up (verified Q5 table).</summary>
    private static readonly string[] CallerFlags = ["mute", "moderator", "endconf"];

    private static readonly TimeSpan AnnouncerGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ParkWait = TimeSpan.FromSeconds(5);

    private enum Interruption
    {
        None,
        CallerHungUp,
        HumanHungUp,
        ConnectionLost,
        TimedOut,
    }

    /// <summary>
    /// Announced transfer (seed 2) through a temporary conference <c>transfer_&lt;call-uuid-prefix&gt;_&lt;unix-time&gt;</c>:
    /// the caller moves in muted and moderator with <c>,park</c> after it (so a kick parks it instead of hanging up,
    /// verified Q5) and hears the conference's music; the human's leg is originated into the conference with its own
    /// UUID, the caller's id, the ring timeout and <c>ignore_early_media</c> (retried like an attended transfer); the
    /// <see cref="IAnnouncer"/> tells the human who calls and why. Accepted: the caller is unmuted by member id and the
    /// two talk. Refused, timed out, human hung up, Event Socket lost or any failure: the human's leg is hung up, the
    /// caller is kicked back to park, the conference disappears with its last member, and the secretary resumes.
    /// </summary>
    public async Task<TransferOutcome> AnnouncedAsync(ITransferCaller caller, TransferDestination destination, string reasonSummary, CancellationToken ct)
    {
        Validate(caller, destination);
        ArgumentNullException.ThrowIfNull(reasonSummary);
        long started = _time.GetTimestamp();
        EventSocketClient esl = _pbx.Client;
        string domain = await TenantDomainAsync(caller.TenantId, ct);
        await caller.PauseAgentAsync(ct);
        if (destination.DestinationType == TransferDestinationType.Voicemail)
        {
            return await VoicemailAsync(esl, caller, destination, TransferMode.Announced, domain, started, ct);
        }

        DialTarget target = TransferDialStrings.Resolve(destination, domain, _options);
        if (target.Error is not null)
        {
            return await UnroutableAsync(caller, destination, TransferMode.Announced, target.Error, started, ct);
        }

        string conference = NewConferenceName(caller.CallUuid);
        await using LegWatch callerLeg = LegWatch.Start(esl, caller.CallUuid, conference);
        using var connection = new ConnectionWatch(esl);
        AttemptResult last = new(TransferAttemptResult.Failed, null, null, null, null, false, conference);
        AnnouncementDecision? decision = null;
        string? humanLeg = null;
        int attempts = 0;
        try
        {
            // The human's leg ends the conference when it leaves (endconf). Until the human accepts, the caller must
            // survive that and go back to park; once accepted, the caller hangs up with the human (never left alone).
            await esl.SetVarAsync(caller.CallUuid, "hangup_after_conference", "false", ct);
            await esl.ConferenceTransferAsync(caller.CallUuid, conference, _options.ConferenceProfile, CallerFlags, thenPark: true, ct);
            Interruption joined = await WaitGuardedAsync(callerLeg.Joined, _options.ConferenceJoinTimeout, callerLeg, null, connection, ct);
            if (joined != Interruption.None)
            {
                last = Interrupted(joined, last, "The caller did not join the transfer conference.");
            }
            else
            {
                int callerMember = await callerLeg.Joined;
                while (true)
                {
                    attempts++;
                    if (attempts > 1 && !await RetryDelayAsync(destination, callerLeg, connection, ct))
                    {
                        attempts--;
                        last = Interrupted(callerLeg.HungUp.IsCompleted ? Interruption.CallerHungUp : Interruption.ConnectionLost, last, null);
                        break;
                    }

                    TransferAttempt row = await BeginAttemptAsync(caller, destination, TransferMode.Announced, attempts, conference, ct);
                    humanLeg = Guid.NewGuid().ToString();
                    try
                    {
                        (last, decision) = await OfferAsync(esl, caller, destination, target.DialString!, conference, humanLeg, callerMember, reasonSummary, callerLeg, connection, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        await EndAttemptAsync(caller, destination, row, Cancelled(last) with { LegUuid = humanLeg });
                        throw;
                    }

                    await EndAttemptAsync(caller, destination, row, last);
                    if (last.Result == TransferAttemptResult.Success || decision is not null || last.CallerHungUp || connection.Lost.IsCompleted
                        || attempts >= MaxAttempts(destination) || !ShouldRetry(last))
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (IsPbxFailure(ex))
        {
            last = last with { Result = TransferAttemptResult.Failed, Error = ex.Message };
        }
        catch (OperationCanceledException)
        {
            await CleanUpConferenceAsync(esl, caller.CallUuid, conference, callerLeg, humanLeg);
            throw;
        }

        if (last.Result != TransferAttemptResult.Success)
        {
            await CleanUpConferenceAsync(esl, caller.CallUuid, conference, callerLeg, humanLeg);
            if (callerLeg.HungUp.IsCompleted)
            {
                last = last with { CallerHungUp = true };
            }
        }

        return await FinishAsync(caller, destination, TransferMode.Announced, last, attempts, started, conference, decision, ct);
    }

    /// <summary>One attempt: ring the human into the conference, announce, act on the decision. Every path but
    /// acceptance hangs up the human's leg; the caller is dealt with by the caller of this method.</summary>
    private async Task<(AttemptResult Result, AnnouncementDecision? Decision)> OfferAsync(
        EventSocketClient esl, ITransferCaller caller, TransferDestination destination, string dialString, string conference, string humanLeg,
        int callerMember, string reasonSummary, LegWatch callerLeg, ConnectionWatch connection, CancellationToken ct)
    {
        await using LegWatch human = LegWatch.Start(esl, humanLeg, conference);
        AttemptResult ring = await RingAsync(
            esl, caller, dialString, destination, "conference", $"{conference}@{_options.ConferenceProfile}", callerLeg, ct, humanLeg, conference);
        if (ring.Result != TransferAttemptResult.Success)
        {
            return (ring, null);
        }

        int? humanMember = null;
        try
        {
            Interruption joined = await WaitGuardedAsync(human.Joined, _options.ConferenceJoinTimeout, callerLeg, human, connection, ct);
            if (joined != Interruption.None)
            {
                await RemoveHumanAsync(esl, conference, null, humanLeg);
                return (Interrupted(joined, ring, "The human's leg did not join the transfer conference."), null);
            }

            humanMember = await human.Joined;
            TimeSpan timeout = destination.AnnounceTimeoutSeconds > 0
                ? TimeSpan.FromSeconds(destination.AnnounceTimeoutSeconds)
                : _options.AnnouncementTimeout;
            var request = new AnnouncementRequest
            {
                TenantId = caller.TenantId,
                CallUuid = caller.CallUuid,
                HumanLegUuid = humanLeg,
                ConferenceName = conference,
                HumanMemberId = humanMember.Value,
                CallerNumber = caller.CallerNumber,
                CallerName = caller.CallerName,
                DestinationName = destination.Name,
                ReasonSummary = reasonSummary,
                Timeout = timeout,
            };

            (AnnouncementDecision? decision, Interruption interruption, string? failure) = await AnnounceGuardedAsync(request, callerLeg, human, connection, ct);
            if (decision is null)
            {
                await RemoveHumanAsync(esl, conference, humanMember, humanLeg);
                return (Interrupted(interruption, ring, failure), null);
            }

            Log.Decided(_logger, caller.CallUuid, decision.Kind.ToString(), decision.Reason);
            switch (decision.Kind)
            {
                case AnnouncementDecisionKind.Accepted:
                    await esl.SetVarAsync(caller.CallUuid, "hangup_after_conference", "true", ct);
                    await esl.ConferenceUnmuteAsync(conference, callerMember, ct);
                    return (ring, decision);
                case AnnouncementDecisionKind.Refused:
                    await RemoveHumanAsync(esl, conference, humanMember, humanLeg);
                    return (ring with { Result = TransferAttemptResult.Rejected, Error = decision.Reason is null ? "Refused." : $"Refused: {decision.Reason}" }, decision);
                case AnnouncementDecisionKind.TimedOut:
                    await RemoveHumanAsync(esl, conference, humanMember, humanLeg);
                    return (ring with { Result = TransferAttemptResult.NoAnswer, Error = "No decision within the announcement timeout." }, decision);
                default:
                    string? cause = human.HungUp.IsCompleted ? (await human.HungUp)["Hangup-Cause"] : null;
                    await RemoveHumanAsync(esl, conference, humanMember, humanLeg);
                    return (ring with { Result = TransferAttemptResult.Rejected, Cause = cause, Error = "The human hung up during the announcement." }, decision);
            }
        }
        catch (Exception ex) when (IsPbxFailure(ex))
        {
            await RemoveHumanAsync(esl, conference, humanMember, humanLeg);
            return (ring with { Result = TransferAttemptResult.Failed, Error = ex.Message }, null);
        }
        catch (OperationCanceledException)
        {
            await RemoveHumanAsync(esl, conference, humanMember, humanLeg);
            throw;
        }
    }

    /// <summary>Runs the announcer against the human's and the caller's hangups, the Event Socket and a hard limit of
    /// its timeout plus a grace period (an announcer that never answers counts as timed out).</summary>
    private async Task<(AnnouncementDecision? Decision, Interruption Interruption, string? Failure)> AnnounceGuardedAsync(
        AnnouncementRequest request, LegWatch callerLeg, LegWatch human, ConnectionWatch connection, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<AnnouncementDecision> announce = _announcer.AnnounceAsync(request, stop.Token);
        Interruption interruption = await WaitGuardedAsync(announce, request.Timeout + AnnouncerGrace, callerLeg, human, connection, ct);
        if (interruption == Interruption.None)
        {
            try
            {
                return (await announce, Interruption.None, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.AnnouncerFailed(_logger, request.CallUuid, ex);
                return (null, connection.Lost.IsCompleted ? Interruption.ConnectionLost : Interruption.None, $"The announcement failed: {ex.Message}");
            }
        }

        await stop.CancelAsync();
        await ObserveAsync(announce);
        return interruption switch
        {
            Interruption.HumanHungUp => (AnnouncementDecision.HumanHungUp, Interruption.None, null),
            Interruption.TimedOut => (AnnouncementDecision.TimedOut, Interruption.None, null),
            _ => (null, interruption, null),
        };
    }

    /// <summary>Waits for <paramref name="task"/> unless the caller or the human hangs up, the Event Socket drops or
    /// <paramref name="limit"/> passes first.</summary>
    private async Task<Interruption> WaitGuardedAsync(
        Task task, TimeSpan limit, LegWatch callerLeg, LegWatch? human, ConnectionWatch connection, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task timer = Task.Delay(limit, _time, stop.Token);
        List<Task> candidates = [task, callerLeg.HungUp, connection.Lost, timer];
        if (human is not null)
        {
            candidates.Add(human.HungUp);
        }

        Task first = await Task.WhenAny(candidates);
        await stop.CancelAsync();
        await ObserveAsync(timer);
        ct.ThrowIfCancellationRequested();
        if (first == task)
        {
            return Interruption.None;
        }

        if (first == callerLeg.HungUp)
        {
            return Interruption.CallerHungUp;
        }

        if (first == connection.Lost)
        {
            return Interruption.ConnectionLost;
        }

        return first == timer ? Interruption.TimedOut : Interruption.HumanHungUp;
    }

    private static AttemptResult Interrupted(Interruption interruption, AttemptResult last, string? error) => interruption switch
    {
        Interruption.CallerHungUp => last with { Result = TransferAttemptResult.Failed, CallerHungUp = true, Error = "The caller hung up during the transfer." },
        Interruption.ConnectionLost => last with { Result = TransferAttemptResult.Failed, Error = "The Event Socket connection to the PBX was lost during the transfer." },
        Interruption.HumanHungUp => last with { Result = TransferAttemptResult.Rejected, Error = error ?? "The human hung up." },
        _ => last with { Result = TransferAttemptResult.Failed, Error = error ?? "The transfer timed out." },
    };

    /// <summary>Hangs up the human: <c>conference hup &lt;member-id&gt;</c> when it is a member, then <c>uuid_kill</c> in case it
    /// is still up (ringing, or not yet joined).</summary>
    private async Task RemoveHumanAsync(EventSocketClient esl, string conference, int? memberId, string humanLeg)
    {
        if (memberId is { } id)
        {
            await CleanupAsync(ct => esl.ConferenceHupAsync(conference, id, ct), humanLeg, conference);
        }

        await KillQuietlyAsync(esl, humanLeg);
    }

    /// <summary>Leaves FreeSWITCH clean after an announced transfer that did not connect: the human's leg hung up, every
    /// other member of our conference hung up, the caller kicked (its <c>,park</c> parks it again, verified Q5) and seen
    /// parking, and the conference gone (dynamic conferences end with their last member).</summary>
    private async Task CleanUpConferenceAsync(EventSocketClient esl, string callUuid, string conference, LegWatch callerLeg, string? humanLeg)
    {
        if (humanLeg is not null)
        {
            await KillQuietlyAsync(esl, humanLeg);
        }

        using var timeout = new CancellationTokenSource(CleanupTimeout, _time);
        while (true)
        {
            try
            {
                await EmptyConferenceAsync(esl, callUuid, conference, callerLeg, timeout.Token);
                return;
            }
            catch (Exception ex) when ((ex is EventSocketDisconnectedException or TimeoutException) && !timeout.IsCancellationRequested)
            {
                // Sent as the connection dropped: again once reconnected.
                await Task.Delay(CleanupRetryPause, _time, CancellationToken.None);
            }
            catch (Exception ex) when (IsPbxFailure(ex) || ex is OperationCanceledException)
            {
                Log.CleanupFailed(_logger, callUuid, conference, ex);
                return;
            }
        }
    }

    private async Task EmptyConferenceAsync(EventSocketClient esl, string callUuid, string conference, LegWatch callerLeg, CancellationToken ct)
    {
        IReadOnlyList<ConferenceMember> members = await esl.ConferenceListAsync(conference, ct);
        foreach (ConferenceMember member in members.Where(m => !IsCaller(m)))
        {
            await HupQuietlyAsync(esl, conference, member.Id, ct);
        }

        if (members.FirstOrDefault(IsCaller) is { } caller)
        {
            Task parked = callerLeg.NextParkAsync();
            try
            {
                await esl.ConferenceKickAsync(conference, caller.Id, ct);
            }
            catch (EventSocketCommandException)
            {
                // Left meanwhile (hung up).
            }

            try
            {
                await Task.WhenAny(parked, callerLeg.HungUp).WaitAsync(ParkWait, _time, ct);
            }
            catch (TimeoutException)
            {
                // Its CHANNEL_PARK may have been lost with the connection; the listing below still checks the conference.
            }
        }

        members = await esl.ConferenceListAsync(conference, ct);
        if (members.Count > 0)
        {
            Log.StrayMembers(_logger, conference, members.Count, callUuid);
            foreach (ConferenceMember member in members)
            {
                await HupQuietlyAsync(esl, conference, member.Id, ct);
            }
        }

        bool IsCaller(ConferenceMember member) => string.Equals(member.Uuid, callUuid, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task HupQuietlyAsync(EventSocketClient esl, string conference, int memberId, CancellationToken ct)
    {
        try
        {
            await esl.ConferenceHupAsync(conference, memberId, ct);
        }
        catch (EventSocketCommandException)
        {
            // Left meanwhile.
        }
    }

    /// <summary><c>transfer_&lt;first 8 characters of the call uuid&gt;_&lt;unix seconds&gt;</c> (seed 2).</summary>
    private string NewConferenceName(string callUuid)
    {
        string prefix = new([.. callUuid.Where(char.IsAsciiLetterOrDigit).Take(8)]);
        if (prefix.Length == 0)
        {
            prefix = Guid.NewGuid().ToString("N")[..8];
        }

        return $"transfer_{prefix.ToLowerInvariant()}_{_time.GetUtcNow().ToUnixTimeSeconds()}";
    }
}
