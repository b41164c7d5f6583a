namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>FreeSWITCH refused the client for good (<c>-ERR invalid</c> to <c>auth</c>, or a <c>text/rude-rejection</c>
/// from the ACL). The client stops instead of retrying: a wrong password does not fix itself (freeswitch.md §1.3).</summary>
public sealed class EventSocketAuthenticationException : Exception
{
    public EventSocketAuthenticationException()
    {
    }

    public EventSocketAuthenticationException(string message)
        : base(message)
    {
    }

    public EventSocketAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
