namespace Switchboard.Sandbox.Events;

/// <summary>
/// The event type table of FreeSWITCH 1.10 (<c>switch_event_types_t</c> / <c>EVENT_NAMES</c>), in the same order so the
/// index is the type id. <c>ALL</c> is last.
/// </summary>
internal static class EventNames
{
    public const int Custom = 0;
    public const int ChannelCreate = 2;
    public const int ChannelDestroy = 3;
    public const int ChannelState = 4;
    public const int ChannelCallState = 5;
    public const int ChannelAnswer = 6;
    public const int ChannelHangup = 7;
    public const int ChannelHangupComplete = 8;
    public const int ChannelExecute = 9;
    public const int ChannelExecuteComplete = 10;
    public const int ChannelHold = 11;
    public const int ChannelUnhold = 12;
    public const int ChannelBridge = 13;
    public const int ChannelUnbridge = 14;
    public const int ChannelProgress = 15;
    public const int ChannelProgressMedia = 16;
    public const int ChannelOutgoing = 17;
    public const int ChannelPark = 18;
    public const int ChannelUnpark = 19;
    public const int ChannelOriginate = 21;
    public const int Dtmf = 36;
    public const int BackgroundJob = 46;
    public const int PrivateCommand = 49;
    public const int Heartbeat = 50;
    public const int ChannelData = 63;
    public const int RecordStart = 75;
    public const int RecordStop = 76;
    public const int PlaybackStart = 77;
    public const int PlaybackStop = 78;
    public const int MediaBugStart = 82;
    public const int MediaBugStop = 83;

    private static readonly string[] Names =
    [
        "CUSTOM", "CLONE", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_STATE", "CHANNEL_CALLSTATE", "CHANNEL_ANSWER",
        "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HOLD",
        "CHANNEL_UNHOLD", "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA",
        "CHANNEL_OUTGOING", "CHANNEL_PARK", "CHANNEL_UNPARK", "CHANNEL_APPLICATION", "CHANNEL_ORIGINATE", "CHANNEL_UUID",
        "API", "LOG", "INBOUND_CHAN", "OUTBOUND_CHAN", "STARTUP", "SHUTDOWN", "PUBLISH", "UNPUBLISH", "TALK", "NOTALK",
        "SESSION_CRASH", "MODULE_LOAD", "MODULE_UNLOAD", "DTMF", "MESSAGE", "PRESENCE_IN", "NOTIFY_IN", "PRESENCE_OUT",
        "PRESENCE_PROBE", "MESSAGE_WAITING", "MESSAGE_QUERY", "ROSTER", "CODEC", "BACKGROUND_JOB", "DETECTED_SPEECH",
        "DETECTED_TONE", "PRIVATE_COMMAND", "HEARTBEAT", "TRAP", "ADD_SCHEDULE", "DEL_SCHEDULE", "EXE_SCHEDULE",
        "RE_SCHEDULE", "RELOADXML", "NOTIFY", "PHONE_FEATURE", "PHONE_FEATURE_SUBSCRIBE", "SEND_MESSAGE", "RECV_MESSAGE",
        "REQUEST_PARAMS", "CHANNEL_DATA", "GENERAL", "COMMAND", "SESSION_HEARTBEAT", "CLIENT_DISCONNECTED",
        "SERVER_DISCONNECTED", "SEND_INFO", "RECV_INFO", "RECV_RTCP_MESSAGE", "SEND_RTCP_MESSAGE", "CALL_SECURE", "NAT",
        "RECORD_START", "RECORD_STOP", "PLAYBACK_START", "PLAYBACK_STOP", "CALL_UPDATE", "FAILURE", "SOCKET_DATA",
        "MEDIA_BUG_START", "MEDIA_BUG_STOP", "CONFERENCE_DATA_QUERY", "CONFERENCE_DATA", "CALL_SETUP_REQ",
        "CALL_SETUP_RESULT", "CALL_DETAIL", "DEVICE_STATE", "TEXT", "SHUTDOWN_REQUESTED", "CERT_RELOAD", "ALL",
    ];

    /// <summary>Index of <c>ALL</c>; also the size of a per-listener subscription table without it.</summary>
    public static int All { get; } = Names.Length - 1;

    public static int Count => Names.Length;

    public static string NameOf(int type) => Names[type];

    /// <summary><c>switch_name_event</c>: case-insensitive, with or without the <c>SWITCH_EVENT_</c> prefix.</summary>
    public static bool TryParse(string token, out int type)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            var name = Names[i];
            if ((token.Length > 13 && string.Equals(token[13..], name, StringComparison.OrdinalIgnoreCase))
                || string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
            {
                type = i;
                return true;
            }
        }

        type = -1;
        return false;
    }
}
