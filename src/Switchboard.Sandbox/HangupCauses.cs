namespace Switchboard.Sandbox;

/// <summary>The FreeSWITCH hangup cause table (<c>switch_channel_cause2str</c>) with the SIP status FS sends for each.</summary>
internal static class HangupCauses
{
    public const string NormalClearing = "NORMAL_CLEARING";

    private static readonly Cause[] Table =
    [
        new("NONE", 0, 480),
        new("UNALLOCATED_NUMBER", 1, 404),
        new("NO_ROUTE_TRANSIT_NET", 2, 404),
        new("NO_ROUTE_DESTINATION", 3, 404),
        new("CHANNEL_UNACCEPTABLE", 6, 480),
        new("CALL_AWARDED_DELIVERED", 7, 480),
        new("NORMAL_CLEARING", 16, 480),
        new("USER_BUSY", 17, 486),
        new("NO_USER_RESPONSE", 18, 408),
        new("NO_ANSWER", 19, 480),
        new("SUBSCRIBER_ABSENT", 20, 480),
        new("CALL_REJECTED", 21, 603),
        new("NUMBER_CHANGED", 22, 410),
        new("REDIRECTION_TO_NEW_DESTINATION", 23, 410),
        new("EXCHANGE_ROUTING_ERROR", 25, 483),
        new("DESTINATION_OUT_OF_ORDER", 27, 502),
        new("INVALID_NUMBER_FORMAT", 28, 484),
        new("FACILITY_REJECTED", 29, 501),
        new("RESPONSE_TO_STATUS_ENQUIRY", 30, 480),
        new("NORMAL_UNSPECIFIED", 31, 480),
        new("NORMAL_CIRCUIT_CONGESTION", 34, 503),
        new("NETWORK_OUT_OF_ORDER", 38, 503),
        new("NORMAL_TEMPORARY_FAILURE", 41, 503),
        new("SWITCH_CONGESTION", 42, 503),
        new("ACCESS_INFO_DISCARDED", 43, 480),
        new("REQUESTED_CHAN_UNAVAIL", 44, 503),
        new("PRE_EMPTED", 45, 480),
        new("FACILITY_NOT_SUBSCRIBED", 50, 480),
        new("OUTGOING_CALL_BARRED", 52, 403),
        new("INCOMING_CALL_BARRED", 54, 403),
        new("BEARERCAPABILITY_NOTAUTH", 57, 403),
        new("BEARERCAPABILITY_NOTAVAIL", 58, 503),
        new("SERVICE_UNAVAILABLE", 63, 480),
        new("BEARERCAPABILITY_NOTIMPL", 65, 488),
        new("CHAN_NOT_IMPLEMENTED", 66, 480),
        new("FACILITY_NOT_IMPLEMENTED", 69, 501),
        new("SERVICE_NOT_IMPLEMENTED", 79, 501),
        new("INVALID_CALL_REFERENCE", 81, 480),
        new("INCOMPATIBLE_DESTINATION", 88, 488),
        new("INVALID_MSG_UNSPECIFIED", 95, 480),
        new("MANDATORY_IE_MISSING", 96, 480),
        new("MESSAGE_TYPE_NONEXIST", 97, 480),
        new("WRONG_MESSAGE", 98, 480),
        new("IE_NONEXIST", 99, 480),
        new("INVALID_IE_CONTENTS", 100, 480),
        new("WRONG_CALL_STATE", 101, 480),
        new("RECOVERY_ON_TIMER_EXPIRE", 102, 504),
        new("MANDATORY_IE_LENGTH_ERROR", 103, 480),
        new("PROTOCOL_ERROR", 111, 480),
        new("INTERWORKING", 127, 480),
        new("SUCCESS", 142, 480),
        new("ORIGINATOR_CANCEL", 487, 487),
        new("CRASH", 700, 480),
        new("SYSTEM_SHUTDOWN", 701, 480),
        new("LOSE_RACE", 702, 480),
        new("MANAGER_REQUEST", 703, 480),
        new("BLIND_TRANSFER", 800, 480),
        new("ATTENDED_TRANSFER", 801, 480),
        new("ALLOTTED_TIMEOUT", 802, 480),
        new("USER_CHALLENGE", 803, 480),
        new("MEDIA_TIMEOUT", 804, 480),
        new("PICKED_OFF", 805, 480),
        new("USER_NOT_REGISTERED", 806, 480),
        new("PROGRESS_TIMEOUT", 807, 480),
        new("INVALID_GATEWAY", 808, 484),
        new("GATEWAY_DOWN", 809, 503),
        new("INVALID_URL", 810, 484),
        new("INVALID_PROFILE", 811, 502),
        new("NO_PICKUP", 812, 480),
        new("SRTP_READ_ERROR", 813, 480),
        new("BOWOUT", 814, 480),
        new("BUSY_EVERYWHERE", 815, 600),
        new("DECLINE", 816, 603),
        new("DOES_NOT_EXIST_ANYWHERE", 817, 604),
        new("NOT_ACCEPTABLE", 818, 606),
        new("UNWANTED", 819, 607),
        new("NO_IDENTITY", 820, 428),
        new("BAD_IDENTITY_INFO", 821, 429),
        new("UNSUPPORTED_CERTIFICATE", 822, 437),
        new("INVALID_IDENTITY", 823, 438),
        new("STALE_DATE", 824, 403),
        new("REJECT_ALL", 825, 603),
    ];

    public static int CodeOf(string name)
    {
        foreach (var cause in Table)
        {
            if (cause.Name == name)
            {
                return cause.Code;
            }
        }

        return 0;
    }

    /// <summary>SIP status sent when a leg is refused or ended with this cause (<c>hangup_cause_to_sip</c>).</summary>
    public static int SipStatusOf(string name)
    {
        foreach (var cause in Table)
        {
            if (cause.Name == name)
            {
                return cause.SipStatus;
            }
        }

        return 480;
    }

    /// <summary>
    /// <c>switch_channel_str2cause</c>: a number (leading digit) or a case-insensitive name; unknown gives <c>NONE</c>.
    /// </summary>
    public static string Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "NONE";
        }

        if (text[0] is >= '0' and <= '9')
        {
            var code = Atoi(text);
            foreach (var cause in Table)
            {
                if (cause.Code == code)
                {
                    return cause.Name;
                }
            }

            return "NONE";
        }

        foreach (var cause in Table)
        {
            if (string.Equals(cause.Name, text, StringComparison.OrdinalIgnoreCase))
            {
                return cause.Name;
            }
        }

        return "NONE";
    }

    /// <summary>Cause for a hangup request: unknown or <c>NONE</c> becomes <c>NORMAL_CLEARING</c>, as the core does.</summary>
    public static string ParseOrNormalClearing(string? text)
    {
        var cause = Parse(text);
        return cause == "NONE" ? NormalClearing : cause;
    }

    /// <summary>C <c>atoi</c>: optional whitespace and sign, then digits; anything else ends the number.</summary>
    public static int Atoi(string? text)
    {
        if (text is null)
        {
            return 0;
        }

        var i = 0;
        while (i < text.Length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' || text[i] == '\f' || text[i] == '\v'))
        {
            i++;
        }

        var negative = false;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            negative = text[i] == '-';
            i++;
        }

        long value = 0;
        while (i < text.Length && text[i] is >= '0' and <= '9')
        {
            value = value * 10 + (text[i] - '0');
            if (value > int.MaxValue)
            {
                // Overflow is undefined in C; glibc saturates strtol, and atoi truncates that to int.
                value = negative ? (long)int.MaxValue + 1 : int.MaxValue;
                break;
            }

            i++;
        }

        return (int)(negative ? -value : value);
    }

    private readonly record struct Cause(string Name, int Code, int SipStatus);
}
