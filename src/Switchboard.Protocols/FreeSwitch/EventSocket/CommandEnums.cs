namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary><c>uuid_hold [off|toggle]</c> (freeswitch.md §2.6).</summary>
public enum HoldMode
{
    Hold,
    Off,
    Toggle,
}

/// <summary>Leg argument of <c>uuid_broadcast</c> (freeswitch.md §2.9).</summary>
public enum BroadcastLeg
{
    /// <summary><c>aleg</c>: the channel itself.</summary>
    ALeg,

    /// <summary><c>bleg</c>: its bridged partner.</summary>
    BLeg,

    /// <summary><c>both</c>.</summary>
    Both,

    /// <summary><c>holdb</c>: play to A while B hears hold music.</summary>
    HoldB,
}

/// <summary>Which legs <c>uuid_transfer</c> moves (freeswitch.md §2.4).</summary>
public enum TransferLeg
{
    /// <summary>The channel itself; its bridged partner is hung up unless it has park_after_bridge.</summary>
    Self,

    /// <summary><c>-bleg</c>: the bridged partner instead.</summary>
    BLeg,

    /// <summary><c>-both</c>: both legs to the same destination.</summary>
    Both,
}

/// <summary>mod_audio_stream mix type (freeswitch.md §5.2).</summary>
public enum AudioStreamMix
{
    /// <summary>Audio received from the channel only (the caller's voice).</summary>
    Mono,

    /// <summary>Received and sent audio mixed to one channel.</summary>
    Mixed,

    /// <summary>Two interleaved channels: left = received (caller), right = sent (what the caller hears).</summary>
    Stereo,
}
