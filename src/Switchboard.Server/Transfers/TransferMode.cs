namespace Switchboard.Server.Transfers;

public enum TransferMode
{
    /// <summary>Caller on hold while the destination rings; bridged when it answers.</summary>
    Attended,

    /// <summary>Through a conference: the AI briefs the human, who accepts or refuses (seed 2).</summary>
    Announced,

    /// <summary>Hand the call over and forget it.</summary>
    Blind,
}
