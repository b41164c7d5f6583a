using System.Globalization;
using Switchboard.Protocols.FreeSwitch.EventSocket;

namespace Switchboard.Server.Recordings;

/// <summary>
/// The whole call is recorded: by the dialplan (<c>record_session</c> after setting <c>record_name</c>, as FusionPBX and
/// deploy/freeswitch do), or — when the dialplan did not — by us with <c>uuid_record</c> (freeswitch.md §2.10) to the
/// FusionPBX archive path under FreeSWITCH's <c>recordings_dir</c>, where the upload worker looks for it.
/// </summary>
public static partial class CallRecording
{
    /// <summary>Starts recording the call unless its dialplan already does; returns the path given to
    /// <c>uuid_record</c> (relative to <c>recordings_dir</c>), or null when nothing was started.</summary>
    public static async Task<string?> EnsureAsync(EventSocketClient esl, string callUuid, string domainName, DateTimeOffset startedAt, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(esl);
        try
        {
            if (await esl.GetVarAsync(callUuid, "record_name", ct) is { Length: > 0 })
            {
                return null;
            }

            string path = string.Join(
                '/',
                domainName,
                "archive",
                startedAt.UtcDateTime.ToString("yyyy", CultureInfo.InvariantCulture),
                startedAt.UtcDateTime.ToString("MMM", CultureInfo.InvariantCulture),
                startedAt.UtcDateTime.ToString("dd", CultureInfo.InvariantCulture),
                callUuid + ".wav");
            await esl.ApiAsync($"uuid_setvar_multi {callUuid} RECORD_STEREO=true;record_name={callUuid}.wav", ct);
            await esl.RecordStartAsync(callUuid, path, null, ct);
            Log.Started(logger, callUuid, path);
            return path;
        }
        catch (Exception ex) when (ex is EventSocketException or EventSocketCommandException or EventSocketDisconnectedException or TimeoutException)
        {
            Log.NotStarted(logger, callUuid, ex);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2421, LogLevel.Information, "Call {CallId} was not recorded by its dialplan: recording it to {Path}")]
        public static partial void Started(ILogger logger, string callId, string path);

        [LoggerMessage(2422, LogLevel.Warning, "Could not start recording call {CallId}")]
        public static partial void NotStarted(ILogger logger, string callId, Exception exception);
    }
}
