using System.Diagnostics.CodeAnalysis;

namespace Switchboard.Sandbox;

/// <summary>The live channels by UUID (<c>switch_core_session_locate</c>), in creation order.</summary>
internal sealed class ChannelRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SandboxChannel> _byUuid = new(StringComparer.Ordinal);
    private readonly List<SandboxChannel> _ordered = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byUuid.Count;
            }
        }
    }

    public bool TryGet(string? uuid, [NotNullWhen(true)] out SandboxChannel? channel)
    {
        lock (_gate)
        {
            if (uuid is not null && _byUuid.TryGetValue(uuid, out channel))
            {
                return true;
            }

            channel = null;
            return false;
        }
    }

    public bool TryAdd(SandboxChannel channel)
    {
        lock (_gate)
        {
            if (!_byUuid.TryAdd(channel.Uuid, channel))
            {
                return false;
            }

            _ordered.Add(channel);
            return true;
        }
    }

    public void Remove(SandboxChannel channel)
    {
        lock (_gate)
        {
            if (_byUuid.TryGetValue(channel.Uuid, out var current) && ReferenceEquals(current, channel))
            {
                _byUuid.Remove(channel.Uuid);
                _ordered.Remove(channel);
            }
        }
    }

    public SandboxChannel[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _ordered];
        }
    }
}
