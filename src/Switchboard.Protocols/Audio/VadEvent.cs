namespace Switchboard.Protocols.Audio;

/// <summary>What a frame changed in an <see cref="EnergyVad"/>.</summary>
public enum VadEvent
{
    /// <summary>No change: still silent, or still speaking.</summary>
    None,

    /// <summary>Speech has lasted the minimum duration; <see cref="EnergyVad.IsSpeaking"/> is now true.</summary>
    SpeechStarted,

    /// <summary>Silence has lasted the hangover; <see cref="EnergyVad.IsSpeaking"/> is now false.</summary>
    SpeechEnded,
}
