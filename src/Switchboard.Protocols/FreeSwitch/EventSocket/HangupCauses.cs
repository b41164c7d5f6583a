using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Hangup cause names, SIP status mapping (freeswitch.md §3.4) and the transfer outcome of a cause.</summary>
public static class HangupCauses
{
    /// <summary>freeswitch.md §3.4 "Hangup causes (complete list) and SIP mapping" [src], row for row:
    /// cause, wire name, SIP status FreeSWITCH SENDS when it rejects/ends a SIP leg with the cause, and the SIP statuses
    /// that FreeSWITCH maps TO the cause when it RECEIVES them (200 = a BYE). Unlisted received codes → NORMAL_UNSPECIFIED.</summary>
    private static readonly CauseRow[] Table =
    [
        new(HangupCause.None, "NONE", 480, []),
        new(HangupCause.UnallocatedNumber, "UNALLOCATED_NUMBER", 404, [404]),
        new(HangupCause.NoRouteTransitNet, "NO_ROUTE_TRANSIT_NET", 404, []),
        new(HangupCause.NoRouteDestination, "NO_ROUTE_DESTINATION", 404, [485, 604]),
        new(HangupCause.ChannelUnacceptable, "CHANNEL_UNACCEPTABLE", 480, []),
        new(HangupCause.CallAwardedDelivered, "CALL_AWARDED_DELIVERED", 480, []),
        new(HangupCause.NormalClearing, "NORMAL_CLEARING", 480, [200]),
        new(HangupCause.UserBusy, "USER_BUSY", 486, [486, 600]),
        new(HangupCause.NoUserResponse, "NO_USER_RESPONSE", 408, [480]),
        new(HangupCause.NoAnswer, "NO_ANSWER", 480, []),
        new(HangupCause.SubscriberAbsent, "SUBSCRIBER_ABSENT", 480, []),
        new(HangupCause.CallRejected, "CALL_REJECTED", 603, [401, 402, 403, 407, 603, 608]),
        new(HangupCause.NumberChanged, "NUMBER_CHANGED", 410, [410]),
        new(HangupCause.RedirectionToNewDestination, "REDIRECTION_TO_NEW_DESTINATION", 410, []),
        new(HangupCause.ExchangeRoutingError, "EXCHANGE_ROUTING_ERROR", 483, [482, 483]),
        new(HangupCause.DestinationOutOfOrder, "DESTINATION_OUT_OF_ORDER", 502, []),
        new(HangupCause.InvalidNumberFormat, "INVALID_NUMBER_FORMAT", 484, [484]),
        new(HangupCause.FacilityRejected, "FACILITY_REJECTED", 501, []),
        new(HangupCause.ResponseToStatusEnquiry, "RESPONSE_TO_STATUS_ENQUIRY", 480, []),
        new(HangupCause.NormalUnspecified, "NORMAL_UNSPECIFIED", 480, []),
        new(HangupCause.NormalCircuitCongestion, "NORMAL_CIRCUIT_CONGESTION", 503, []),
        new(HangupCause.NetworkOutOfOrder, "NETWORK_OUT_OF_ORDER", 503, [502]),
        new(HangupCause.NormalTemporaryFailure, "NORMAL_TEMPORARY_FAILURE", 503, [400, 481, 500, 503]),
        new(HangupCause.SwitchCongestion, "SWITCH_CONGESTION", 503, []),
        new(HangupCause.AccessInfoDiscarded, "ACCESS_INFO_DISCARDED", 480, []),
        new(HangupCause.RequestedChanUnavail, "REQUESTED_CHAN_UNAVAIL", 503, []),
        new(HangupCause.PreEmpted, "PRE_EMPTED", 480, []),
        new(HangupCause.FacilityNotSubscribed, "FACILITY_NOT_SUBSCRIBED", 480, []),
        new(HangupCause.OutgoingCallBarred, "OUTGOING_CALL_BARRED", 403, []),
        new(HangupCause.IncomingCallBarred, "INCOMING_CALL_BARRED", 403, []),
        new(HangupCause.BearercapabilityNotauth, "BEARERCAPABILITY_NOTAUTH", 403, []),
        new(HangupCause.BearercapabilityNotavail, "BEARERCAPABILITY_NOTAVAIL", 503, []),
        new(HangupCause.ServiceUnavailable, "SERVICE_UNAVAILABLE", 480, [405]),
        new(HangupCause.BearercapabilityNotimpl, "BEARERCAPABILITY_NOTIMPL", 488, []),
        new(HangupCause.ChanNotImplemented, "CHAN_NOT_IMPLEMENTED", 480, []),
        new(HangupCause.FacilityNotImplemented, "FACILITY_NOT_IMPLEMENTED", 501, []),
        new(HangupCause.ServiceNotImplemented, "SERVICE_NOT_IMPLEMENTED", 501, [406, 415, 501]),
        new(HangupCause.InvalidCallReference, "INVALID_CALL_REFERENCE", 480, []),
        new(HangupCause.IncompatibleDestination, "INCOMPATIBLE_DESTINATION", 488, [488, 606]),
        new(HangupCause.InvalidMsgUnspecified, "INVALID_MSG_UNSPECIFIED", 480, []),
        new(HangupCause.MandatoryIeMissing, "MANDATORY_IE_MISSING", 480, []),
        new(HangupCause.MessageTypeNonexist, "MESSAGE_TYPE_NONEXIST", 480, []),
        new(HangupCause.WrongMessage, "WRONG_MESSAGE", 480, []),
        new(HangupCause.IeNonexist, "IE_NONEXIST", 480, []),
        new(HangupCause.InvalidIeContents, "INVALID_IE_CONTENTS", 480, []),
        new(HangupCause.WrongCallState, "WRONG_CALL_STATE", 480, []),
        new(HangupCause.RecoveryOnTimerExpire, "RECOVERY_ON_TIMER_EXPIRE", 504, [408, 504]),
        new(HangupCause.MandatoryIeLengthError, "MANDATORY_IE_LENGTH_ERROR", 480, []),
        new(HangupCause.ProtocolError, "PROTOCOL_ERROR", 480, []),
        new(HangupCause.Interworking, "INTERWORKING", 480, [413, 414, 416, 420, 421, 423, 505, 513]),
        new(HangupCause.Success, "SUCCESS", 480, []),
        new(HangupCause.OriginatorCancel, "ORIGINATOR_CANCEL", 487, [487]),
        new(HangupCause.Crash, "CRASH", 480, []),
        new(HangupCause.SystemShutdown, "SYSTEM_SHUTDOWN", 480, []),
        new(HangupCause.LoseRace, "LOSE_RACE", 480, []),
        new(HangupCause.ManagerRequest, "MANAGER_REQUEST", 480, []),
        new(HangupCause.BlindTransfer, "BLIND_TRANSFER", 480, []),
        new(HangupCause.AttendedTransfer, "ATTENDED_TRANSFER", 480, []),
        new(HangupCause.AllottedTimeout, "ALLOTTED_TIMEOUT", 480, []),
        new(HangupCause.UserChallenge, "USER_CHALLENGE", 480, []),
        new(HangupCause.MediaTimeout, "MEDIA_TIMEOUT", 480, []),
        new(HangupCause.PickedOff, "PICKED_OFF", 480, []),
        new(HangupCause.UserNotRegistered, "USER_NOT_REGISTERED", 480, []),
        new(HangupCause.ProgressTimeout, "PROGRESS_TIMEOUT", 480, []),
        new(HangupCause.InvalidGateway, "INVALID_GATEWAY", 484, []),
        new(HangupCause.GatewayDown, "GATEWAY_DOWN", 503, []),
        new(HangupCause.InvalidUrl, "INVALID_URL", 484, []),
        new(HangupCause.InvalidProfile, "INVALID_PROFILE", 502, []),
        new(HangupCause.NoPickup, "NO_PICKUP", 480, []),
        new(HangupCause.SrtpReadError, "SRTP_READ_ERROR", 480, []),
        new(HangupCause.Bowout, "BOWOUT", 480, []),
        new(HangupCause.BusyEverywhere, "BUSY_EVERYWHERE", 600, []),
        new(HangupCause.Decline, "DECLINE", 603, []),
        new(HangupCause.DoesNotExistAnywhere, "DOES_NOT_EXIST_ANYWHERE", 604, []),
        new(HangupCause.NotAcceptable, "NOT_ACCEPTABLE", 606, []),
        new(HangupCause.Unwanted, "UNWANTED", 607, [607]),
        new(HangupCause.NoIdentity, "NO_IDENTITY", 428, [428]),
        new(HangupCause.BadIdentityInfo, "BAD_IDENTITY_INFO", 429, [429]),
        new(HangupCause.UnsupportedCertificate, "UNSUPPORTED_CERTIFICATE", 437, [437]),
        new(HangupCause.InvalidIdentity, "INVALID_IDENTITY", 438, [438]),
        new(HangupCause.StaleDate, "STALE_DATE", 403, []),
        new(HangupCause.RejectAll, "REJECT_ALL", 603, []),
    ];

    private static readonly FrozenDictionary<HangupCause, CauseRow> ByCause = Table.ToFrozenDictionary(row => row.Cause);

    private static readonly FrozenDictionary<string, HangupCause> ByName =
        Table.ToFrozenDictionary(row => row.Name, row => row.Cause, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<int, HangupCause> BySipReceived = Table
        .SelectMany(row => row.SipReceived.Select(code => (code, row.Cause)))
        .ToFrozenDictionary(pair => pair.code, pair => pair.Cause);

    /// <summary>The wire name, e.g. <c>USER_BUSY</c>; the number for a value outside the table.</summary>
    public static string ToName(HangupCause cause) =>
        ByCause.TryGetValue(cause, out CauseRow row) ? row.Name : ((int)cause).ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a cause name (case-insensitive, as <c>uuid_kill</c> does) or its number. Surrounding whitespace
    /// and a leading <c>-ERR </c> (an originate failure body) are ignored.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out HangupCause cause)
    {
        cause = default;
        if (text is null)
        {
            return false;
        }

        string trimmed = text.Trim();
        if (trimmed.StartsWith("-ERR ", StringComparison.Ordinal))
        {
            trimmed = trimmed[5..].Trim();
        }

        if (ByName.TryGetValue(trimmed, out cause))
        {
            return true;
        }

        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            && ByCause.ContainsKey((HangupCause)number))
        {
            cause = (HangupCause)number;
            return true;
        }

        return false;
    }

    public static HangupCause Parse(string text) =>
        TryParse(text, out HangupCause cause) ? cause : throw new FormatException($"'{text}' is not a FreeSWITCH hangup cause.");

    /// <summary>The SIP status FreeSWITCH sends when it rejects or ends a SIP leg with this cause ("cause → SIP sent").</summary>
    public static int? ToSipCode(HangupCause cause) => ByCause.TryGetValue(cause, out CauseRow row) ? row.SipSent : null;

    /// <summary>The cause FreeSWITCH assigns when it receives this SIP final status ("SIP received → cause");
    /// any unlisted status is NORMAL_UNSPECIFIED. A <c>Reason: Q.850;cause=N</c> header would override this (§3.4).</summary>
    public static HangupCause FromSipCode(int sipCode) =>
        BySipReceived.TryGetValue(sipCode, out HangupCause cause) ? cause : HangupCause.NormalUnspecified;

    /// <summary>How a failed attempt to reach a person reads to the caller (seed 1 TransferResult), from the cause an
    /// originate or bridge ended with (freeswitch.md §2.2 "Causes originate typically returns", §7.1). The one table:</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Busy: USER_BUSY (SIP 486/600, FusionPBX DND), BUSY_EVERYWHERE (SIP 600 semantics: busy at every device —
    /// the caller should hear "busy", not "declined").</item>
    /// <item>NoAnswer: NO_ANSWER (our ring timeout), NO_USER_RESPONSE (SIP 480), PROGRESS_TIMEOUT, NO_PICKUP, and
    /// RECOVERY_ON_TIMER_EXPIRE (SIP 408/504: also what a phone that never answers the INVITE produces, §7.1).</item>
    /// <item>Unavailable: USER_NOT_REGISTERED, SUBSCRIBER_ABSENT, UNALLOCATED_NUMBER (404), NO_ROUTE_DESTINATION
    /// (485/604), DOES_NOT_EXIST_ANYWHERE (604), DESTINATION_OUT_OF_ORDER.</item>
    /// <item>Rejected: CALL_REJECTED (SIP 603 and 401/403…), DECLINE, UNWANTED (607), REJECT_ALL.</item>
    /// <item>Failed: everything else (gateway and URL errors, NORMAL_TEMPORARY_FAILURE, ORIGINATOR_CANCEL, LOSE_RACE,
    /// NORMAL_CLEARING from a leg that hung up before answering, …).</item>
    /// </list>
    /// </remarks>
    public static TransferResult ToTransferResult(HangupCause cause) => cause switch
    {
        HangupCause.UserBusy or HangupCause.BusyEverywhere => TransferResult.Busy,
        HangupCause.NoAnswer or HangupCause.NoUserResponse or HangupCause.ProgressTimeout or HangupCause.NoPickup
            or HangupCause.RecoveryOnTimerExpire => TransferResult.NoAnswer,
        HangupCause.UserNotRegistered or HangupCause.SubscriberAbsent or HangupCause.UnallocatedNumber
            or HangupCause.NoRouteDestination or HangupCause.DoesNotExistAnywhere
            or HangupCause.DestinationOutOfOrder => TransferResult.Unavailable,
        HangupCause.CallRejected or HangupCause.Decline or HangupCause.Unwanted
            or HangupCause.RejectAll => TransferResult.Rejected,
        _ => TransferResult.Failed,
    };

    private readonly record struct CauseRow(HangupCause Cause, string Name, int SipSent, int[] SipReceived);
}
