namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>The command could not complete because the connection to FreeSWITCH was lost (or none came up within
/// the command timeout). Whether FreeSWITCH executed it is unknown; a lost bgapi result must be resolved another way
/// (e.g. <c>uuid_exists</c> on the <c>origination_uuid</c>, freeswitch.md §1.11).</summary>
public sealed class EventSocketDisconnectedException : Exception
{
    public EventSocketDisconnectedException()
        : base("The Event Socket connection was lost.")
    {
    }

    public EventSocketDisconnectedException(string message)
        : base(message)
    {
    }

    public EventSocketDisconnectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
