namespace Switchboard.Protocols.FreeSwitch.EventSocket;

public enum EventSocketState
{
    /// <summary>Not started.</summary>
    Disconnected,

    /// <summary>Trying to establish the first connection.</summary>
    Connecting,

    /// <summary>Authenticated, subscribed, filters applied: commands flow.</summary>
    Connected,

    /// <summary>A connection was lost; waiting (backoff) or re-establishing it.</summary>
    Reconnecting,

    /// <summary>Disposed, or stopped for good because FreeSWITCH refused the password or the subscription.</summary>
    Stopped,
}
