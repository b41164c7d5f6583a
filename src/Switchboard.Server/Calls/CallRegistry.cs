using System.Collections.Concurrent;

namespace Switchboard.Server.Calls;

/// <summary>The live call sessions of this node, by call UUID.</summary>
public sealed class CallRegistry
{
    private readonly ConcurrentDictionary<string, CallSession> _sessions = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _sessions.Count;

    public bool TryAdd(CallSession session) => _sessions.TryAdd(session.CallUuid, session);

    public bool TryGet(string callUuid, out CallSession? session) => _sessions.TryGetValue(callUuid, out session);

    public void Remove(CallSession session) => _sessions.TryRemove(new KeyValuePair<string, CallSession>(session.CallUuid, session));

    public bool Contains(string callUuid) => _sessions.ContainsKey(callUuid);
}
