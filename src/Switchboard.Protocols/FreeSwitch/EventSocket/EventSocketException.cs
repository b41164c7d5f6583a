namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>The one protocol exception: the peer sent bytes that are not a valid Event Socket message
/// (bad header line, bad or oversized Content-Length, header block or body over the limit, malformed event body).</summary>
public class EventSocketException : Exception
{
    public EventSocketException()
    {
    }

    public EventSocketException(string message)
        : base(message)
    {
    }

    public EventSocketException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
