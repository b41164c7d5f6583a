using Switchboard.Sandbox.Conferences;
using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.Dialplan;

/// <summary>The dialplan applications (mod_dptools, mod_conference): each returns its <c>Application-Response</c>.</summary>
internal sealed class Applications
{
    private readonly SwitchCore _core;

    public Applications(SwitchCore core)
    {
        _core = core;
    }

    public static Task<string?> NothingAsync(SandboxChannel channel, string data) => Task.FromResult<string?>(null);

    public Task<string?> AnswerAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            channel.MarkAnswered();
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> PreAnswerAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            channel.MarkPreAnswered();
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> RingReadyAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            channel.MarkRinging();
        }

        return Task.FromResult<string?>(null);
    }

    public async Task<string?> ParkAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            if (!channel.Answered && !channel.EarlyMedia && channel.IsInbound)
            {
                channel.MarkPreAnswered();
            }

            channel.IsParked = true;
            channel.Fire(EventNames.ChannelPark, new("switch_ivr.c", "switch_ivr_park", 994));
        }

        await channel.WaitAsync(null, honorBreak: false);
        lock (_core.Sync)
        {
            channel.IsParked = false;
            channel.Fire(EventNames.ChannelUnpark, new("switch_ivr.c", "switch_ivr_park", 1180));
        }

        return null;
    }

    /// <summary>
    /// <c>playback</c>: queued on the channel's media; PLAYBACK_START/STOP follow the media engine's timing, and a
    /// <c>uuid_break</c> ends it with <c>Playback-Status: break</c>.
    /// </summary>
    public async Task<string?> PlaybackAsync(SandboxChannel channel, string data)
    {
        SandboxChannel.PendingPlayback pending;
        lock (_core.Sync)
        {
            if (!channel.MarkPreAnswered())
            {
                return null;
            }

            pending = channel.StartDialplanPlayback(data, channel.CurrentApplicationUuid ?? SwitchCore.NewUuid());
        }

        var outcome = await channel.WaitAsync(pending.Done.Task, honorBreak: false);
        if (outcome != WaitOutcome.Completed)
        {
            return null;
        }

        return await pending.Done.Task;
    }

    public async Task<string?> SleepAsync(SandboxChannel channel, string data)
    {
        var ms = HangupCauses.Atoi(data);
        if (ms <= 0)
        {
            return null;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(channel.HangupToken);
        var delay = Task.Delay(TimeSpan.FromMilliseconds(ms), _core.Time, stop.Token);
        await channel.WaitAsync(delay, honorBreak: true);
        await stop.CancelAsync();
        return null;
    }

    public async Task<string?> EchoAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            channel.MarkPreAnswered();
            channel.Media.StartEcho();
        }

        await channel.WaitAsync(null, honorBreak: true);
        lock (_core.Sync)
        {
            channel.Media.StopEcho();
        }

        return null;
    }

    public Task<string?> HangupAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            channel.HangupNow(HangupCauses.ParseOrNormalClearing(data));
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> SetAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            AssignVariable(channel, data);
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> ExportAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            AssignVariable(channel, data);
            if (channel.Partner is { } partner)
            {
                AssignVariable(partner, data);
            }
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> UnsetAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            channel.Vars.Set(data, null);
        }

        return Task.FromResult<string?>(null);
    }

    /// <summary><c>respond</c>: mod_loopback ignores it (measured); a SIP leg answers or refuses with the code.</summary>
    public Task<string?> RespondAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            if (channel.Kind == ChannelKind.Loopback || channel.Answered)
            {
                return Task.FromResult<string?>(null);
            }

            var code = HangupCauses.Atoi(data);
            if (code is 180)
            {
                channel.MarkRinging();
            }
            else if (code is 183)
            {
                channel.MarkPreAnswered();
            }
            else if (code >= 300)
            {
                channel.HangupNow(CauseForSipStatus(code));
            }
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> TransferAsync(SandboxChannel channel, string data)
    {
        var argv = Api.ApiArguments.Split(data, ' ', 3);
        if (argv.Length == 0)
        {
            return Task.FromResult<string?>(null);
        }

        lock (_core.Sync)
        {
            var dialplan = argv.Length > 1 ? argv[1] : "XML";
            var context = argv.Length > 2 ? argv[2] : channel.Profile.Context;
            channel.Transfer(argv[0], dialplan, context);
        }

        return Task.FromResult<string?>(null);
    }

    /// <summary>
    /// <c>bridge</c>: originates the dial string from this channel and joins the legs; afterwards
    /// <c>hangup_after_bridge</c> decides whether the dialplan continues. A failure hangs up with its cause unless
    /// <c>continue_on_fail</c> is set.
    /// </summary>
    public async Task<string?> BridgeAsync(SandboxChannel channel, string data)
    {
        int timeout;
        lock (_core.Sync)
        {
            timeout = HangupCauses.Atoi(channel.Vars.Get("call_timeout"));
            if (timeout <= 0)
            {
                timeout = 60;
            }
        }

        var result = await _core.Originator.OriginateAsync(
            new OriginateRequest(data, timeout, null, null, channel, Background: false), channel.HangupToken);
        if (result.Channel is not { } peer)
        {
            lock (_core.Sync)
            {
                channel.Vars.Set("originate_disposition", result.Cause);
                channel.Vars.Set("originate_failed_cause", result.Cause);
                channel.Vars.Set("DIALSTATUS", DialStatus(result.Cause));
                channel.Vars.Set("last_bridge_hangup_cause", result.Cause);
                if (!channel.Vars.IsTrue("continue_on_fail") && !channel.IsHungUp)
                {
                    channel.HangupNow(result.Cause == "ORIGINATOR_CANCEL" ? HangupCauses.NormalClearing : result.Cause);
                }
            }

            return null;
        }

        lock (_core.Sync)
        {
            channel.Vars.Set("originate_disposition", "SUCCESS");
            channel.Vars.Set("DIALSTATUS", "SUCCESS");
            if (!channel.Answered)
            {
                channel.MarkAnswered();
            }

            peer.Begin(StartAction.Bridge(channel));
        }

        var next = await channel.RunBridgedAsync(peer, originator: true);
        lock (_core.Sync)
        {
            if (channel.IsHungUp)
            {
                return null;
            }

            if (next is not null)
            {
                channel.Interrupt(next);
            }
            else if (channel.Vars.IsTrue("hangup_after_bridge"))
            {
                channel.HangupNow(HangupCauses.NormalClearing);
            }
            else if (channel.Vars.IsTrue("park_after_bridge") || channel.Vars.Get("transfer_after_bridge") is { Length: > 0 })
            {
                if (channel.AfterBridgeLocked() is { } after)
                {
                    channel.Interrupt(after);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <c>conference name[@profile][+pin][+flags{...}]</c>: joins (creating a dynamic conference if needed) and stays
    /// until kicked/hupped, transferred or hung up. When the conference ends under the member, the channel hangs up
    /// unless <c>hangup_after_conference=false</c>.
    /// </summary>
    public async Task<string?> ConferenceAsync(SandboxChannel channel, string data)
    {
        var spec = ConferenceSpec.Parse(data);
        ConferenceMember member;
        lock (_core.Sync)
        {
            if (spec is null || !channel.MarkPreAnswered())
            {
                return null;
            }

            var flags = spec.Flags;
            if (channel.Vars.Get("conference_member_flags") is { Length: > 0 } extra)
            {
                flags = string.IsNullOrEmpty(flags) ? extra : flags + "|" + extra;
            }

            var existing = _core.Conferences.Find(spec.Name);
            if (existing is null && flags is not null && flags.Contains("join-only", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var conference = _core.Conferences.GetOrCreate(spec.Name, spec.Profile, out _);
            var id = channel.ConferenceMemberIdCache ??= _core.Conferences.NextMemberId();
            member = conference.Add(channel, id, flags);
        }

        var left = member.Left;
        await channel.WaitAsync(left, honorBreak: false);
        lock (_core.Sync)
        {
            if (!member.HasLeft)
            {
                member.Conference.RemoveMember(member, kicked: false);
            }
        }

        var exit = await left;

        if (exit == ConferenceExit.ConferenceEnded)
        {
            bool hangup;
            lock (_core.Sync)
            {
                var flag = channel.Vars.Get("hangup_after_conference");
                hangup = flag is null || ChannelVariables.True(flag);
            }

            if (hangup)
            {
                try
                {
                    // Members of an ended conference are hung up one frame later (measured ~20 ms).
                    await Task.Delay(ChannelMedia.Frame, _core.Time, channel.HangupToken);
                }
                catch (OperationCanceledException)
                {
                }

                lock (_core.Sync)
                {
                    channel.HangupNow(HangupCauses.NormalClearing);
                }
            }
        }

        return null;
    }

    public Task<string?> RecordSessionAsync(SandboxChannel channel, string data)
    {
        var argv = Api.ApiArguments.Split(data, ' ', 2);
        if (argv.Length == 0)
        {
            return Task.FromResult<string?>(null);
        }

        lock (_core.Sync)
        {
            Api.RecordCommand.Start(_core, channel, argv[0], argv.Length > 1 ? HangupCauses.Atoi(argv[1]) : 0);
        }

        return Task.FromResult<string?>(null);
    }

    public Task<string?> StopRecordSessionAsync(SandboxChannel channel, string data)
    {
        lock (_core.Sync)
        {
            Api.RecordCommand.Stop(_core, channel, data);
        }

        return Task.FromResult<string?>(null);
    }

    private static void AssignVariable(SandboxChannel channel, string data)
    {
        var eq = data.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return;
        }

        var value = data[(eq + 1)..];
        channel.Vars.Set(data[..eq], value.Length == 0 ? null : value);
    }

    private static string DialStatus(string cause) => cause switch
    {
        "USER_BUSY" => "BUSY",
        "NO_ANSWER" or "NO_USER_RESPONSE" => "NOANSWER",
        "ORIGINATOR_CANCEL" => "CANCEL",
        _ => cause,
    };

    private static string CauseForSipStatus(int status) => status switch
    {
        404 => "UNALLOCATED_NUMBER",
        408 or 504 => "RECOVERY_ON_TIMER_EXPIRE",
        480 => "NO_USER_RESPONSE",
        484 => "INVALID_NUMBER_FORMAT",
        485 or 604 => "NO_ROUTE_DESTINATION",
        486 or 600 => "USER_BUSY",
        487 => "ORIGINATOR_CANCEL",
        488 or 606 => "INCOMPATIBLE_DESTINATION",
        401 or 402 or 403 or 407 or 603 or 608 => "CALL_REJECTED",
        400 or 481 or 500 or 503 => "NORMAL_TEMPORARY_FAILURE",
        502 => "NETWORK_OUT_OF_ORDER",
        _ => "NORMAL_UNSPECIFIED",
    };
}

/// <summary>The parsed argument of the <c>conference</c> application.</summary>
internal sealed record ConferenceSpec(string Name, string Profile, string? Pin, string? Flags)
{
    /// <summary>The parsing order of <c>conference_function</c>: flags cut first, then the PIN, then the last <c>@</c>.</summary>
    public static ConferenceSpec? Parse(string data)
    {
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }

        string? flags = null;
        var at = data.IndexOf("+flags{", StringComparison.Ordinal);
        if (at >= 0)
        {
            flags = data[(at + 7)..];
            var close = flags.IndexOf('}', StringComparison.Ordinal);
            if (close >= 0)
            {
                flags = flags[..close];
            }

            data = data[..at];
        }

        if (data.StartsWith("bridge:", StringComparison.OrdinalIgnoreCase))
        {
            data = data[7..];
            var colon = data.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return null;
            }

            data = data[..colon];
        }

        var name = data.TrimStart(' ');
        string? pin = null;
        var plus = name.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            pin = name[(plus + 1)..];
            name = name[..plus];
        }

        var profile = "default";
        var atSign = name.LastIndexOf('@');
        if (atSign >= 0)
        {
            profile = name[(atSign + 1)..];
            name = name[..atSign];
        }

        return name.Length == 0 ? null : new ConferenceSpec(name, profile, pin, flags);
    }
}
