namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>One line of <c>conference NAME list</c>: <c>id;channel;uuid;cid-name;cid-num;flags;vol-in;vol-out;energy</c>
/// (freeswitch.md §4.3, verified Q5). Flags are <c>hear</c>, <c>speak</c>, <c>talking</c>, <c>floor</c>, <c>moderator</c>, ….</summary>
public sealed record ConferenceMember(
    int Id,
    string ChannelName,
    string Uuid,
    string CallerIdName,
    string CallerIdNumber,
    IReadOnlySet<string> Flags,
    int VolumeIn,
    int VolumeOut,
    int Energy)
{
    public bool CanHear => Flags.Contains("hear");

    /// <summary>False when muted.</summary>
    public bool CanSpeak => Flags.Contains("speak");

    public bool IsTalking => Flags.Contains("talking");

    public bool IsModerator => Flags.Contains("moderator");

    public bool HasFloor => Flags.Contains("floor");
}
