namespace Switchboard.Sandbox.Media;

/// <summary>How a playback was requested; it decides the start latency and the seam between files.</summary>
public enum PlaybackOrigin
{
    /// <summary><c>sendmsg</c> <c>execute playback</c> (event-lock): starts on the next tick, 20 ms seams.</summary>
    SendMessage,

    /// <summary><c>uuid_broadcast</c>: its execute carries <c>lead-frames: 5</c>, i.e. 100 ms more before each file.</summary>
    Broadcast,
}

/// <summary>What happened to a queued playback.</summary>
public enum PlaybackNotificationKind
{
    /// <summary>The file opened and starts playing: FreeSWITCH fires <c>CHANNEL_EXECUTE</c> and <c>PLAYBACK_START</c>.</summary>
    Started,

    /// <summary>
    /// The file ended (<see cref="PlaybackNotification.Status"/> <c>done</c>) or was cut by <c>uuid_break</c>
    /// (<c>break</c>): FreeSWITCH fires <c>PLAYBACK_STOP</c> and then <c>CHANNEL_EXECUTE_COMPLETE</c>
    /// (<c>Application-Response: FILE PLAYED</c>).
    /// </summary>
    Stopped,

    /// <summary>
    /// The file could not be opened (missing, deleted by <c>uuid_audio_stream stop</c>, unknown format). The
    /// caller hears silence for that tick. FreeSWITCH logs "Error Opening File", fires no
    /// <c>PLAYBACK_START</c>/<c>PLAYBACK_STOP</c> for it, and completes the application with
    /// <c>CHANNEL_EXECUTE_COMPLETE</c> <c>Application-Response: FILE NOT FOUND</c>
    /// (<see cref="PlaybackNotification.Error"/> carries that response).
    /// </summary>
    Failed,
}

/// <summary>
/// One playback transition, raised on the media clock thread after the tick's locks are released.
/// Handlers must be quick and must not block (queue the ESL event and return).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Path">The playback argument as given (<c>Playback-File-Path</c>).</param>
/// <param name="Origin">sendmsg or broadcast.</param>
/// <param name="ApplicationUuid">The sendmsg <c>Event-UUID</c> (<c>Application-UUID</c>), if any.</param>
/// <param name="Status"><c>done</c> or <c>break</c> for <see cref="PlaybackNotificationKind.Stopped"/>; otherwise null.</param>
/// <param name="Error">For <see cref="PlaybackNotificationKind.Failed"/>: <c>FILE NOT FOUND</c>.</param>
/// <param name="Detail">For <see cref="PlaybackNotificationKind.Failed"/>: the log line (why it failed).</param>
public sealed record PlaybackNotification(
    PlaybackNotificationKind Kind,
    string Path,
    PlaybackOrigin Origin,
    string? ApplicationUuid,
    string? Status,
    string? Error = null,
    string? Detail = null);
