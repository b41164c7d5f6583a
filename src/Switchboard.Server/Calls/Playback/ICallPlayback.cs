namespace Switchboard.Server.Calls.Playback;

/// <summary>
/// Plays the agent's audio to the caller. The stock community mod_audio_stream only streams caller →
/// us, so <see cref="FilePlayback"/> goes back through files and ESL; a full-duplex build of the module
/// would implement this by streaming raw frames on the same WebSocket.
/// </summary>
public interface ICallPlayback
{
    /// <summary>True while audio is queued at FreeSWITCH or waiting here to be sent.</summary>
    bool IsPlaying { get; }

    /// <summary>Milliseconds of audio of the current utterance handed to FreeSWITCH so far.</summary>
    long SentMilliseconds { get; }

    /// <summary>How much of the current utterance the caller has heard by now (what barge-in reports to the provider).</summary>
    TimeSpan HeardEstimate { get; }

    /// <summary>Appends PCM16 mono audio at the stream rate.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken);

    /// <summary>Sends what is buffered (end of an utterance).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Silences the caller at once and drops everything queued (barge-in).</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
