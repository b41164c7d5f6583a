namespace Switchboard.Server.Transfers;

/// <summary>What a destination number is in FreeSWITCH (seed 1, <c>destination_type</c>).</summary>
public enum TransferDestinationType
{
    Extension,
    RingGroup,
    Queue,
    External,
    Voicemail,
}
