namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Header names and content types of the wire protocol (freeswitch.md §1.2, §1.4, §1.6).</summary>
public static class EventSocketHeaders
{
    public const string ContentType = "Content-Type";
    public const string ContentLength = "Content-Length";
    public const string ContentDisposition = "Content-Disposition";
    public const string ReplyText = "Reply-Text";
    public const string JobUuid = "Job-UUID";
    public const string EventName = "Event-Name";
    public const string EventSubclass = "Event-Subclass";
    public const string EventSequence = "Event-Sequence";
    public const string UniqueId = "Unique-ID";

    public const string AuthRequest = "auth/request";
    public const string CommandReply = "command/reply";
    public const string ApiResponse = "api/response";
    public const string EventJson = "text/event-json";
    public const string EventPlain = "text/event-plain";
    public const string EventXml = "text/event-xml";
    public const string DisconnectNotice = "text/disconnect-notice";
    public const string RudeRejection = "text/rude-rejection";
    public const string LogData = "log/data";
}
