namespace Switchboard.Server.Observability;

/// <summary>Which way audio travels, as seen from the caller's leg.</summary>
public enum AudioDirection
{
    /// <summary>From the caller (FreeSWITCH) towards the voice agent.</summary>
    In,

    /// <summary>From the voice agent back to the caller.</summary>
    Out,
}
