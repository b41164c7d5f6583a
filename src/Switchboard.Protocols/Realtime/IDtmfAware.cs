namespace Switchboard.Protocols.Realtime;

/// <summary>An agent that understands the caller's key presses (menus, confirmations).</summary>
public interface IDtmfAware
{
    ValueTask SendDtmfAsync(char digit, CancellationToken cancellationToken);
}
