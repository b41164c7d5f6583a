namespace Switchboard.Sandbox;

/// <summary>How a simulated phone (extension, ring group, queue) reacts when it is called.</summary>
public enum ExtensionBehaviour
{
    /// <summary>Rings, then answers after <see cref="SimulatedExtension.AnswerDelay"/>.</summary>
    Answers,

    /// <summary>Refuses at once with SIP 486: <c>USER_BUSY</c>.</summary>
    Busy,

    /// <summary>Rings until the caller's timeout: <c>NO_ANSWER</c>.</summary>
    NoAnswer,

    /// <summary>Exists but has no registration: <c>USER_NOT_REGISTERED</c>, immediately and without a channel.</summary>
    NotRegistered,

    /// <summary>Refuses at once with SIP 603: <c>CALL_REJECTED</c>.</summary>
    Rejects,
}

/// <summary>What the human does once an announced transfer is presented to them.</summary>
public enum AnnouncementResponse
{
    /// <summary>Presses <see cref="SimulatedExtension.AcceptDigit"/>.</summary>
    Accepts,

    /// <summary>Presses <see cref="SimulatedExtension.RefuseDigit"/>.</summary>
    Refuses,

    /// <summary>Hangs up (BYE, <c>NORMAL_CLEARING</c>).</summary>
    HangsUp,

    /// <summary>Does nothing.</summary>
    Silent,
}

/// <summary>A simulated extension of a domain.</summary>
public sealed record SimulatedExtension
{
    public ExtensionBehaviour Behaviour { get; init; } = ExtensionBehaviour.Answers;

    /// <summary>Ring time before answering (behaviour <see cref="ExtensionBehaviour.Answers"/>).</summary>
    public TimeSpan AnswerDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What the human does once answered; see <see cref="ReactionDelay"/>.</summary>
    public AnnouncementResponse AnnouncementResponse { get; init; } = AnnouncementResponse.Silent;

    /// <summary>Time from answer to the human's reaction (<see cref="AnnouncementResponse"/>).</summary>
    public TimeSpan ReactionDelay { get; init; } = TimeSpan.FromSeconds(3);

    public char AcceptDigit { get; init; } = '1';

    public char RefuseDigit { get; init; } = '2';

    /// <summary>What the human says: the audio this phone sends.</summary>
    public CallerAudio Voice { get; init; } = CallerAudio.Tone(440);

    /// <summary>Display name the phone answers with (the leg's <c>Caller-Callee-ID-Name</c> from the answer on).</summary>
    public string? DisplayName { get; init; }
}
