namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>What the streaming speech recogniser reports, in order.</summary>
public abstract record SpeechToTextEvent;

/// <summary>
/// One <c>Results</c> message: <paramref name="IsFinal"/> when the span's text will not change,
/// <paramref name="SpeechFinal"/> when endpointing saw the speaker pause.
/// </summary>
public sealed record SpeechTranscript(string Text, bool IsFinal, bool SpeechFinal, double Start, double Duration) : SpeechToTextEvent;

/// <summary>The caller finished a turn (<c>speech_final</c> or <c>UtteranceEnd</c>): every final transcript since the last turn.</summary>
public sealed record SpeechTurnEnded(string Text) : SpeechToTextEvent;

/// <summary><c>SpeechStarted</c>: voice began at <paramref name="Timestamp"/> seconds into the stream (barge-in trigger).</summary>
public sealed record SpeechStarted(double Timestamp) : SpeechToTextEvent;

/// <summary><c>UtteranceEnd</c>: a gap followed the last final word, which ended at <paramref name="LastWordEnd"/> seconds.</summary>
public sealed record SpeechUtteranceEnd(double LastWordEnd) : SpeechToTextEvent;

/// <summary><c>Metadata</c>, sent after <c>CloseStream</c>: how much audio the service transcribed.</summary>
public sealed record SpeechMetadata(string? RequestId, double Duration) : SpeechToTextEvent;

/// <summary>The stream ended abnormally (close code and reason, e.g. <c>NET-0001</c> after 10 s without audio).</summary>
public sealed record SpeechError(string Code, string Message) : SpeechToTextEvent;
