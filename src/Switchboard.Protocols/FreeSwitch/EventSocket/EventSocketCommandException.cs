namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>A command was answered with something other than success (<c>-ERR …</c>, <c>-USAGE: …</c>).</summary>
public sealed class EventSocketCommandException : Exception
{
    public EventSocketCommandException()
        : this(string.Empty, string.Empty)
    {
    }

    public EventSocketCommandException(string message)
        : this(string.Empty, message)
    {
    }

    public EventSocketCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        Command = string.Empty;
        Reply = string.Empty;
    }

    public EventSocketCommandException(string command, string reply)
        : base($"FreeSWITCH refused '{command}': {reply.TrimEnd('\n')}")
    {
        Command = command;
        Reply = reply;
    }

    /// <summary>The command as sent, without the <c>api</c>/<c>bgapi</c> prefix.</summary>
    public string Command { get; }

    /// <summary>The reply verbatim (e.g. <c>-ERR No such channel!\n</c>).</summary>
    public string Reply { get; }
}
