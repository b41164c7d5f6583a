using System.Text;
using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.Api;

/// <summary>
/// <c>uuid_audio_stream</c> of mod_audio_stream (amigniter ec2a781): the module's argument checks and replies. A bad
/// URL, mix type or rate, a second start ("bug already attached") or an unknown channel all answer
/// <c>-ERR Operation Failed</c>; some malformed forms print nothing, which the ESL layer turns into <c>-ERR no reply</c>.
/// </summary>
internal static class AudioStreamCommand
{
    private const string Usage = "-USAGE: <uuid> [start | stop | send_text | pause | resume | graceful-shutdown ] [wss-url | path] [mono | mixed | stereo] [8000 | 16000] [metadata]\n";
    private const string Ok = "+OK Success\n";
    private const string Failed = "-ERR Operation Failed\n";
    private const int MaxMetadata = 8192;

    public static string Execute(SwitchCore core, string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 6);
        if (string.IsNullOrEmpty(args) || argv.Length < 2 || (argv[1] == "start" && argv.Length < 4))
        {
            return Usage;
        }

        lock (core.Sync)
        {
            if (!core.Channels.TryGet(argv[0], out var channel))
            {
                return Failed;
            }

            var command = argv[1].ToLowerInvariant();
            switch (command)
            {
                case "stop":
                    return channel.Media.StopStream() ? StreamStopped(channel) : Failed;
                case "pause":
                case "resume":
                    if (channel.Media.Stream is not { } stream)
                    {
                        return Failed;
                    }

                    stream.Paused = command == "pause";
                    return Ok;
                case "send_text":
                    if (argv.Length < 3)
                    {
                        return string.Empty;
                    }

                    return channel.Media.Stream is not null ? Ok : Failed;
                case "start":
                    return Start(channel, argv);
                default:
                    return Failed;
            }
        }
    }

    private static string Start(SandboxChannel channel, string[] argv)
    {
        if (argv.Length < 4)
        {
            return Failed;
        }

        var url = argv[2];
        var mix = argv[3];
        var metadata = argv.Length > 5 ? argv[5] : null;
        if (mix is not ("mono" or "mixed" or "stereo"))
        {
            return Failed;
        }

        var rate = 8000;
        if (argv.Length > 4)
        {
            rate = argv[4] switch
            {
                "16k" => 16000,
                "8k" => 8000,
                _ => HangupCauses.Atoi(argv[4]),
            };
        }

        if (!IsValidUrl(url) || rate % 8000 != 0 || rate <= 0)
        {
            return Failed;
        }

        if (metadata is not null && Encoding.UTF8.GetByteCount(metadata) > MaxMetadata)
        {
            return Failed;
        }

        if (channel.Media.Stream is not null || !channel.MarkPreAnswered())
        {
            return Failed;
        }

        channel.Media.StartStream(new AudioStreamAttachment(url, mix, rate, metadata));
        channel.Fire(EventNames.MediaBugStart, new("switch_core_media_bug.c", "switch_core_media_bug_add", 982), e =>
        {
            e.Add("Media-Bug-Function", "audio_stream");
            e.Add("Media-Bug-Target", string.Empty);
        });
        return Ok;
    }

    private static string StreamStopped(SandboxChannel channel)
    {
        channel.Fire(EventNames.MediaBugStop, new("switch_core_media_bug.c", "switch_core_media_bug_close", 1425), e =>
        {
            e.Add("Media-Bug-Function", "audio_stream");
            e.Add("Media-Bug-Target", string.Empty);
        });
        return Ok;
    }

    /// <summary><c>validate_ws_uri</c>: ws:// or wss://, a host of letters, digits, '-' and '.', an all-digit port.</summary>
    internal static bool IsValidUrl(string url)
    {
        int hostStart;
        if (url.StartsWith("ws://", StringComparison.Ordinal))
        {
            hostStart = 5;
        }
        else if (url.StartsWith("wss://", StringComparison.Ordinal))
        {
            hostStart = 6;
        }
        else
        {
            return false;
        }

        var i = hostStart;
        while (i < url.Length && url[i] != ':' && url[i] != '/')
        {
            if (!char.IsAsciiLetterOrDigit(url[i]) && url[i] != '-' && url[i] != '.')
            {
                return false;
            }

            i++;
        }

        if (i == hostStart)
        {
            return false;
        }

        if (i < url.Length && url[i] == ':')
        {
            i++;
            while (i < url.Length && url[i] != '/')
            {
                if (!char.IsAsciiDigit(url[i]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
