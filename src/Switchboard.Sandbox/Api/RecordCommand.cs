using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.Api;

/// <summary><c>uuid_record &lt;uuid&gt; start|stop|mask|unmask|pause|resume &lt;path&gt; [limit] [{vars}]</c>, with RECORD_START/STOP.</summary>
internal static class RecordCommand
{
    private const string Usage = "-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n";

    public static string Execute(SwitchCore core, string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 5);
        if (string.IsNullOrEmpty(args) || argv.Length < 3 || argv[0].Length == 0 || argv[1].Length == 0 || argv[2].Length == 0)
        {
            return Usage;
        }

        var action = argv[1].ToLowerInvariant();
        var path = argv[2];
        var limit = argv.Length > 3 ? HangupCauses.Atoi(argv[3]) : 0;
        lock (core.Sync)
        {
            if (!core.Channels.TryGet(argv[0], out var channel))
            {
                return "-ERR Cannot locate session!\n";
            }

            switch (action)
            {
                case "start":
                    return Start(core, channel, path, limit) ? "+OK Success\n" : "-ERR Cannot record session!\n";
                case "stop":
                    return Stop(core, channel, path) ? "+OK Success\n" : "-ERR Cannot stop record session!\n";
                case "mask":
                case "unmask":
                    if (channel.Media.FindRecording(Resolve(core, path)) is { } masked)
                    {
                        masked.Masked = action == "mask";
                        return "+OK Success\n";
                    }

                    return action == "mask" ? "-ERR Cannot mask recording session!\n" : "-ERR Cannot unmask recording session!\n";
                case "pause":
                case "resume":
                    if (channel.Media.FindRecording(Resolve(core, path)) is { } paused)
                    {
                        paused.Paused = action == "pause";
                        return "+OK Success\n";
                    }

                    return action == "pause" ? "-ERR Cannot pause recording session!\n" : "-ERR Cannot resume recording session!\n";
                default:
                    return Usage;
            }
        }
    }

    /// <summary>Starts a recording (relative paths go under recordings_dir); fires RECORD_START. Under the switch lock.</summary>
    public static bool Start(SwitchCore core, SandboxChannel channel, string path, int limitSeconds)
    {
        if (channel.IsHungUp || (!channel.Answered && !channel.EarlyMedia))
        {
            return false;
        }

        path = Resolve(core, path);
        if (channel.Media.StartRecording(path, limitSeconds, channel.Vars.IsTrue("RECORD_STEREO")) is null)
        {
            return false;
        }

        channel.RecordingPathList.Add(path);
        channel.Fire(EventNames.MediaBugStart, new("switch_core_media_bug.c", "switch_core_media_bug_add", 982), e =>
        {
            e.Add("Media-Bug-Function", "session_record");
            e.Add("Media-Bug-Target", path);
        });
        channel.Fire(EventNames.RecordStart, new("switch_ivr_async.c", "record_callback", 1370), e => e.Add("Record-File-Path", path));
        return true;
    }

    /// <summary>Stops one recording or <c>all</c>; fires RECORD_STOP. Under the switch lock.</summary>
    public static bool Stop(SwitchCore core, SandboxChannel channel, string path)
    {
        var targets = string.Equals(path, "all", StringComparison.OrdinalIgnoreCase)
            ? channel.Media.Recordings.ToArray()
            : channel.Media.Recordings.Where(r => r.Path == path).ToArray();
        if (targets.Length == 0)
        {
            return false;
        }

        foreach (var recording in targets)
        {
            Finish(channel, recording, "success");
        }

        _ = core;
        return true;
    }

    /// <summary>Finalises a recording and fires RECORD_STOP. Under the switch lock.</summary>
    public static void Finish(SandboxChannel channel, RecordingState recording, string completionCause)
    {
        channel.Media.StopRecording(recording);
        channel.Fire(EventNames.RecordStop, new("switch_ivr_async.c", "record_callback", 1420), e =>
        {
            e.Add("Record-File-Path", recording.Path);
            e.Add("Record-Completion-Cause", completionCause);
        });
        channel.Fire(EventNames.MediaBugStop, new("switch_core_media_bug.c", "switch_core_media_bug_close", 1425), e =>
        {
            e.Add("Media-Bug-Function", "session_record");
            e.Add("Media-Bug-Target", recording.Path);
        });
    }

    /// <summary><c>switch_is_file_path</c>: absolute paths and URLs stay; others go under recordings_dir.</summary>
    private static string Resolve(SwitchCore core, string path) =>
        Path.IsPathRooted(path) || path.Contains("://", StringComparison.Ordinal)
            ? path
            : Path.Combine(core.Options.RecordingsDirectory, path);
}
