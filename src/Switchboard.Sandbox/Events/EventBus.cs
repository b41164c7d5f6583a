namespace Switchboard.Sandbox.Events;

/// <summary>Something that receives every fired event and decides for itself whether to keep it.</summary>
internal interface IEventListener
{
    /// <summary>Called in firing order; must not block (queue and return).</summary>
    void Deliver(SandboxEvent e);
}

/// <summary>Fans fired events out to the listeners (ESL connections, internal observers).</summary>
internal sealed class EventBus
{
    private readonly Lock _gate = new();
    private IEventListener[] _listeners = [];

    public void Add(IEventListener listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
        }
    }

    public void Remove(IEventListener listener)
    {
        lock (_gate)
        {
            _listeners = Array.FindAll(_listeners, l => !ReferenceEquals(l, listener));
        }
    }

    /// <summary>Delivers one event to every listener. Callers fire under the switch lock, so order is global.</summary>
    public void Fire(SandboxEvent e)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.Deliver(e);
        }
    }
}
