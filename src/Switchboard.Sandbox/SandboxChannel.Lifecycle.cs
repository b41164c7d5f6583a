using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox;

/// <summary>State transitions and the events they fire. Every method here runs under the switch lock.</summary>
public sealed partial class SandboxChannel
{
    private static readonly EventOrigin StateOrigin = new("switch_core_state_machine.c", "switch_core_session_run", 628);

    internal void SetState(int state)
    {
        if (_state == state || _state >= ChannelStates.Hangup && state < ChannelStates.Hangup)
        {
            return;
        }

        _state = state;
        Fire(EventNames.ChannelState, StateOrigin);
    }

    internal void SetCallState(string callState)
    {
        if (_callState == callState)
        {
            return;
        }

        var old = _callState;
        _callState = callState;
        Fire(EventNames.ChannelCallState, new("switch_channel.c", "switch_channel_perform_set_callstate", 304), e =>
        {
            e.Add("Original-Channel-Call-State", old);
            e.Add("Channel-Call-State-Number", CallStateNumber(callState));
        });
    }

    /// <summary>Fires <c>CHANNEL_CREATE</c> and registers the channel; the caller then starts its session.</summary>
    internal void Announce()
    {
        Fire(EventNames.ChannelCreate, new("switch_core_state_machine.c", "switch_core_session_run", 589));
    }

    /// <summary>Ringing (SIP 180, <c>ring_ready</c>): <c>CHANNEL_PROGRESS</c>.</summary>
    internal bool MarkRinging()
    {
        if (IsHungUp || _answered || Profile.Progress != 0)
        {
            return !IsHungUp;
        }

        Profile.Progress = _core.NowMicroseconds;
        SetCallState("RINGING");
        Fire(EventNames.ChannelProgress, new("switch_channel.c", "switch_channel_perform_mark_ring_ready_value", 3692));
        LoopbackPeer?.OnPeerRinging();
        Wake();
        return true;
    }

    /// <summary>Early media (SIP 183, <c>pre_answer</c>): <c>CHANNEL_PROGRESS_MEDIA</c>.</summary>
    internal bool MarkPreAnswered()
    {
        if (IsHungUp)
        {
            return false;
        }

        if (_answered || _earlyMedia)
        {
            return true;
        }

        _earlyMedia = true;
        Profile.ProgressMedia = _core.NowMicroseconds;
        SetCallState("EARLY");
        Fire(EventNames.ChannelProgressMedia, new("switch_channel.c", "switch_channel_perform_mark_pre_answered", 3747));
        LoopbackPeer?.OnPeerEarlyMedia();
        Wake();
        return true;
    }

    /// <summary>Answer: <c>CHANNEL_ANSWER</c>. A loopback leg answers its peer too.</summary>
    internal bool MarkAnswered()
    {
        if (IsHungUp)
        {
            return false;
        }

        if (_answered)
        {
            return true;
        }

        _answered = true;
        Profile.Answered = _core.NowMicroseconds;
        Vars.Set("endpoint_disposition", "ANSWER");
        SetCallState("ACTIVE");
        Fire(EventNames.ChannelAnswer, new("switch_channel.c", "switch_channel_perform_mark_answered", 3939));
        _answeredSignal.TrySetResult();
        LoopbackPeer?.OnPeerAnswered();
        Wake();
        return true;
    }

    private void OnPeerRinging()
    {
        if (!IsInbound)
        {
            MarkRinging();
        }
    }

    private void OnPeerEarlyMedia()
    {
        if (!IsInbound)
        {
            MarkPreAnswered();
        }
    }

    private void OnPeerAnswered()
    {
        if (!IsInbound)
        {
            MarkAnswered();
        }
    }

    /// <summary>
    /// Hangs the channel up (<c>switch_channel_perform_hangup</c>): sets the cause and the termination variables, fires
    /// <c>CHANNEL_HANGUP</c>, ends any bridge, conference membership and stream, and wakes the session so it reports
    /// <c>CHANNEL_HANGUP_COMPLETE</c> and <c>CHANNEL_DESTROY</c>.
    /// </summary>
    /// <param name="cause">A cause name from the hangup table.</param>
    /// <param name="remote">True when the far end ended the call (received BYE or refusal).</param>
    internal void HangupNow(string cause, bool remote = false)
    {
        if (_hangupCause is not null || _state >= ChannelStates.Hangup)
        {
            return;
        }

        if (cause == "NONE")
        {
            cause = HangupCauses.NormalClearing;
        }

        _hangupCause = cause;
        Profile.Hungup = _core.NowMicroseconds;
        Vars.Set("hangup_cause", cause);
        Vars.Set("hangup_cause_q850", HangupCauses.CodeOf(cause).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Kind == ChannelKind.Sofia)
        {
            SetSipTermination(cause, remote);
        }

        _state = ChannelStates.Hangup;
        _callState = "HANGUP";
        Fire(EventNames.ChannelState, StateOrigin);
        Fire(EventNames.ChannelCallState, new("switch_channel.c", "switch_channel_perform_set_callstate", 304), e =>
        {
            e.Add("Original-Channel-Call-State", "ACTIVE");
            e.Add("Channel-Call-State-Number", CallStateNumber("HANGUP"));
        });
        Fire(EventNames.ChannelHangup, new("switch_channel.c", "switch_channel_perform_hangup", 3463));

        _hangupToken.Cancel();
        _start.TrySetResult(null);
        if (Partner is not null)
        {
            Unbridge();
        }

        Member?.Conference.RemoveMember(Member, kicked: false);
        Media.OnHangup();
        if (LoopbackPeer is { } peer && !peer.IsHungUp)
        {
            // mod_loopback ends the other leg with the same cause, one frame later (measured: about 20 ms).
            _core.Work.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _core.Time, _core.Stopping);
                lock (_core.Sync)
                {
                    peer.HangupNow(cause, remote: true);
                }
            });
        }

        Wake();
    }

    private void SetSipTermination(string cause, bool remote)
    {
        string status;
        string disposition;
        if (_answered)
        {
            status = "200";
            disposition = remote ? "recv_bye" : "send_bye";
        }
        else if (IsInbound)
        {
            status = HangupCauses.SipStatusOf(cause).ToString(System.Globalization.CultureInfo.InvariantCulture);
            disposition = remote ? "recv_cancel" : "send_refuse";
        }
        else
        {
            status = cause switch
            {
                "USER_BUSY" => "486",
                "CALL_REJECTED" => "603",
                "NORMAL_TEMPORARY_FAILURE" => "503",
                "NO_USER_RESPONSE" => "480",
                _ => "487",
            };
            disposition = remote ? "recv_refuse" : "send_cancel";
            if (remote)
            {
                Vars.Set("sip_invite_failure_status", status);
            }
        }

        Vars.Set("sip_term_status", status);
        Vars.Set("sip_term_cause", HangupCauses.CodeOf(cause).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Vars.Set("proto_specific_hangup_cause", "sip:" + status);
        Vars.Set("sip_hangup_disposition", disposition);
    }

    /// <summary>Ends the session: <c>CHANNEL_HANGUP_COMPLETE</c> with the CDR variables, then <c>CHANNEL_DESTROY</c>.</summary>
    internal void Report()
    {
        if (_hangupCause is null)
        {
            HangupNow(HangupCauses.NormalClearing);
        }

        var created = Profile.Created;
        var hungup = Profile.Hungup;
        var answered = Profile.Answered;
        Vars.Set("duration", Seconds(hungup - created));
        Vars.Set("billsec", answered > 0 ? Seconds(hungup - answered) : "0");
        Vars.Set("answersec", answered > 0 ? Seconds(answered - created) : "0");
        Vars.Set("uduration", (hungup - created).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Vars.Set("billusec", (answered > 0 ? hungup - answered : 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _state = ChannelStates.Reporting;
        Fire(EventNames.ChannelState, StateOrigin);
        Fire(EventNames.ChannelHangupComplete, new("switch_core_state_machine.c", "switch_core_session_reporting_state", 960));
        _state = ChannelStates.Destroy;
        Fire(EventNames.ChannelState, StateOrigin);
        Fire(EventNames.ChannelDestroy, new("switch_core_session.c", "switch_core_session_perform_destroy", 1757));
        _core.Channels.Remove(this);
        _destroyed.TrySetResult(_hangupCause!);
    }

    /// <summary>Starts (or refuses) the session of a channel created by originate.</summary>
    internal void Begin(StartAction action) => _start.TrySetResult(action);

    /// <summary>Binds two legs and fires <c>CHANNEL_BRIDGE</c> from the originator's side.</summary>
    internal void BridgeWith(SandboxChannel other)
    {
        Partner = other;
        other.Partner = this;
        var now = _core.NowMicroseconds;
        Profile.Bridged = now;
        other.Profile.Bridged = now;
        Vars.Set("bridge_uuid", other.Uuid);
        Vars.Set("signal_bond", other.Uuid);
        Vars.Set("last_bridge_to", other.Uuid);
        other.Vars.Set("bridge_uuid", Uuid);
        other.Vars.Set("signal_bond", Uuid);
        other.Vars.Set("last_bridge_to", Uuid);
        Fire(EventNames.ChannelBridge, new("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1702), e =>
        {
            e.Add("Bridge-A-Unique-ID", Uuid);
            e.Add("Bridge-B-Unique-ID", other.Uuid);
        });
        Media.OnBridged(other);
        Wake();
        other.Wake();
    }

    /// <summary>Separates this channel from its partner: <c>CHANNEL_UNBRIDGE</c>; both sessions decide what follows.</summary>
    internal void Unbridge()
    {
        if (Partner is not { } other)
        {
            return;
        }

        Fire(EventNames.ChannelUnbridge, new("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1871), e =>
        {
            e.Add("Bridge-A-Unique-ID", Uuid);
            e.Add("Bridge-B-Unique-ID", other.Uuid);
        });
        Vars.Set("last_bridge_hangup_cause", other._hangupCause);
        other.Vars.Set("last_bridge_hangup_cause", _hangupCause);
        Partner = null;
        other.Partner = null;
        Media.OnUnbridged();
        other.Media.OnUnbridged();
        Wake();
        other.Wake();
    }

    /// <summary><c>uuid_hold</c>; false when the call is already held (<c>-ERR Operation failed</c>).</summary>
    internal bool Hold()
    {
        if (_callState == "HELD")
        {
            return false;
        }

        Held = true;
        Media.OnHold(true);
        if (Kind == ChannelKind.Sofia)
        {
            // The phone acknowledges the re-INVITE: the leg reaches HELD. Loopback legs never do (measured).
            Profile.LastHold = _core.NowMicroseconds;
            SetCallState("HELD");
        }

        // The media engine plays music on hold to a bridged partner while this leg is held.
        Fire(EventNames.ChannelHold, new("switch_ivr.c", "switch_ivr_hold", 1559));
        return true;
    }

    /// <summary><c>uuid_hold off</c>; false unless the call state is HELD (always false on loopback legs).</summary>
    internal bool Unhold()
    {
        if (_callState != "HELD")
        {
            return false;
        }

        Held = false;
        Profile.HoldAccum += _core.NowMicroseconds - Profile.LastHold;
        SetCallState("UNHELD");
        Media.OnHold(false);
        Fire(EventNames.ChannelUnhold, new("switch_ivr.c", "switch_ivr_unhold", 1639));
        return true;
    }

    /// <summary>The first frame read after unhold turns UNHELD into ACTIVE.</summary>
    internal void OnFrameAfterUnhold()
    {
        if (_callState == "UNHELD")
        {
            SetCallState("ACTIVE");
        }
    }

    private static string Seconds(long micros) => (micros / 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int CallStateNumber(string callState) => callState switch
    {
        "DOWN" => 0,
        "DIALING" => 1,
        "RINGING" => 2,
        "EARLY" => 3,
        "ACTIVE" => 4,
        "HELD" => 5,
        "RING_WAIT" => 6,
        "HANGUP" => 7,
        "UNHELD" => 8,
        _ => 0,
    };
}
