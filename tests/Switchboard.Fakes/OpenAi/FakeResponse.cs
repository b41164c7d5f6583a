using System.Text.Json;

namespace Switchboard.Fakes.OpenAi;

/// <summary>
/// What the fake answers to the next <c>response.create</c> (or server-VAD turn): spoken audio with its transcript,
/// a function call, an error instead of a response, or a dropped socket. Parts combine in that order.
/// </summary>
public sealed record FakeResponse
{
    /// <summary>
    /// PCM16 the model "speaks", at the session's output rate: 8000 Hz for <c>audio/pcmu</c>/<c>audio/pcma</c>,
    /// 24000 Hz for <c>audio/pcm</c>. Encoded to the output format and streamed as <c>response.output_audio.delta</c>s.
    /// </summary>
    public short[]? Audio { get; init; }

    /// <summary>Transcript of the spoken audio, sent word by word as transcript deltas and whole in the done event.</summary>
    public string? Transcript { get; init; }

    /// <summary>Audio per delta event.</summary>
    public int ChunkMilliseconds { get; init; } = 100;

    /// <summary>Stream the deltas at real-time pace (one chunk per chunk duration) instead of as fast as possible.</summary>
    public bool RealTime { get; init; }

    /// <summary>A function call after the spoken part.</summary>
    public FakeFunctionCall? FunctionCall { get; init; }

    /// <summary>Answer <c>response.create</c> with this error event (and a failed <c>response.done</c>).</summary>
    public FakeServerError? Error { get; init; }

    /// <summary>Abort the connection (no close frame) instead of answering.</summary>
    public bool Drop { get; init; }

    /// <summary>Keep the response open after the last delta until it is cancelled (barge-in tests).</summary>
    public bool HoldUntilCancelled { get; init; }

    public FakeUsage Usage { get; init; } = new(InputTokens: 789, OutputTokens: 32, InputAudioTokens: 476, OutputAudioTokens: 23);
}

public sealed record FakeFunctionCall(string Name, string ArgumentsJson, string? CallId = null);

/// <summary>Usage numbers put in <c>response.done</c> (reference §1.6).</summary>
public sealed record FakeUsage(long InputTokens, long OutputTokens, long InputAudioTokens, long OutputAudioTokens);

/// <summary>An error event the fake sent (reference §1.6 <c>error</c>, §1.12 codes).</summary>
public sealed record FakeServerError(string Code, string Message, string Type = "invalid_request_error", string? Param = null);

/// <summary>A client event as received, with its arrival time since the fake started.</summary>
public sealed record FakeClientEvent(string Type, JsonElement Json, TimeSpan ReceivedAt);

/// <summary>One <c>input_audio_buffer.append</c>: the wire format, its byte count, and the audio decoded to PCM16.</summary>
public sealed record FakeAudioChunk(TimeSpan ReceivedAt, string Format, int SampleRate, int WireBytes, short[] Pcm);

/// <summary>An accepted <c>conversation.item.truncate</c>.</summary>
public sealed record FakeTruncation(string ItemId, int ContentIndex, long AudioEndMilliseconds);
