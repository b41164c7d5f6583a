using System.Globalization;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>A <c>sendmsg</c> to a channel: run a dialplan application on it, or hang it up (freeswitch.md §1.8).</summary>
public sealed class SendMessage
{
    /// <summary><c>execute</c>, <c>hangup</c>, <c>unicast</c>, <c>nomedia</c> or <c>xferext</c>.</summary>
    public string CallCommand { get; set; } = "execute";

    public string? AppName { get; set; }

    /// <summary>The application argument. One with a line break travels as a <c>text/plain</c> body instead of the
    /// <c>execute-app-arg</c> header.</summary>
    public string? AppArg { get; set; }

    /// <summary>Finish this application before the channel takes the next queued message (sequential playback:
    /// 20 ms seams, verified Q2).</summary>
    public bool EventLock { get; set; }

    /// <summary>Repeat count (<c>-1</c> = forever).</summary>
    public int? Loops { get; set; }

    /// <summary>Echoed as <c>Application-UUID</c> on CHANNEL_EXECUTE(_COMPLETE): how completion is correlated.</summary>
    public string? EventUuid { get; set; }

    /// <summary>With <see cref="CallCommand"/> <c>hangup</c>: the cause name (default NORMAL_CLEARING).</summary>
    public string? HangupCause { get; set; }

    public static SendMessage Execute(string app, string? arg, bool eventLock = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(app);
        return new SendMessage { AppName = app, AppArg = arg, EventLock = eventLock };
    }

    public static SendMessage Hangup(HangupCause cause) =>
        new() { CallCommand = "hangup", HangupCause = HangupCauses.ToName(cause) };

    internal (List<KeyValuePair<string, string>> Headers, string? Body) Render()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(CallCommand);
        var headers = new List<KeyValuePair<string, string>>(7) { new("call-command", CallCommand) };
        string? body = null;
        if (AppName is not null)
        {
            headers.Add(new("execute-app-name", AppName));
        }

        if (AppArg is not null)
        {
            if (AppArg.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                headers.Add(new("content-type", "text/plain"));
                body = AppArg;
            }
            else
            {
                headers.Add(new("execute-app-arg", AppArg));
            }
        }

        if (EventLock)
        {
            headers.Add(new("event-lock", "true"));
        }

        if (Loops is int loops)
        {
            headers.Add(new("loops", loops.ToString(CultureInfo.InvariantCulture)));
        }

        if (EventUuid is not null)
        {
            headers.Add(new("Event-UUID", EventUuid));
        }

        if (HangupCause is not null)
        {
            headers.Add(new("hangup-cause", HangupCause));
        }

        return (headers, body);
    }
}
