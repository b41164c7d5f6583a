namespace Switchboard.Sandbox.Media;

/// <summary>
/// Receives the <c>CUSTOM</c> events a <see cref="AudioStreamSession"/> fires: the subclass (one of
/// <see cref="AudioStreamEvents"/>) and the JSON (or verbatim text) body. Called on the session's
/// receive/connect loop; must not block.
/// </summary>
public delegate void AudioStreamEventSink(string subclass, string body);

/// <summary><c>mod_audio_stream</c> event subclasses.</summary>
public static class AudioStreamEvents
{
    /// <summary>Connected; body <c>{"status":"connected"}</c> (after the metadata was sent).</summary>
    public const string Connect = "mod_audio_stream::connect";

    /// <summary>Server-initiated close; body <c>{"status":"disconnected","message":{"code":1000,"reason":"…"}}</c>.</summary>
    public const string Disconnect = "mod_audio_stream::disconnect";

    /// <summary>Connection failure (stream torn down); body <c>{"status":"error","message":{"code":6,"error":"…"}}</c>.</summary>
    public const string Error = "mod_audio_stream::error";

    /// <summary>A text message from the server that is not a valid <c>streamAudio</c>, verbatim.</summary>
    public const string Json = "mod_audio_stream::json";

    /// <summary>A <c>streamAudio</c> message written to a file; body = <c>data</c> minus <c>audioData</c> plus <c>file</c>.</summary>
    public const string Play = "mod_audio_stream::play";
}

/// <summary>Lifecycle of an <see cref="AudioStreamSession"/>.</summary>
public enum AudioStreamState
{
    /// <summary>Constructed, not started.</summary>
    Created,

    /// <summary>Attached; WebSocket handshake in progress (audio is discarded).</summary>
    Connecting,

    /// <summary>Streaming.</summary>
    Connected,

    /// <summary>The server closed the socket: still attached (a new start fails) but sending nothing.</summary>
    Disconnected,

    /// <summary>Connect or transport failure: the stream was torn down (detached).</summary>
    Failed,

    /// <summary>Stopped or hung up: closed, detached, files deleted.</summary>
    Stopped,
}
