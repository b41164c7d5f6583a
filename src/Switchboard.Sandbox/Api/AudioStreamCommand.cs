using System.Text;
using System.Text.Json;
using Switchboard.Sandbox.Events;
using Switchboard.Sandbox.Media;

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

    public static async Task<string> ExecuteAsync(SwitchCore core, string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 6);
        if (string.IsNullOrEmpty(args) || argv.Length < 2 || (argv[1] == "start" && argv.Length < 4))
        {
            return Usage;
        }

        AudioStreamSession? stopping;
        string? finalText = null;
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
                    stopping = channel.Media.Stream;
                    if (stopping is null)
                    {
                        return Failed;
                    }

                    finalText = argv.Length > 2 ? argv[2] : null;
                    FireBug(channel, EventNames.MediaBugStop);
                    break;
                case "pause":
                    return channel.Media.Stream?.Pause() == true ? Ok : Failed;
                case "resume":
                    return channel.Media.Stream?.Resume() == true ? Ok : Failed;
                case "send_text":
                    if (argv.Length < 3)
                    {
                        return string.Empty;
                    }

                    return channel.Media.Stream is { } session && session.SendText(argv[2]) ? Ok : Failed;
                case "start":
                    return Start(core, channel, argv);
                default:
                    return Failed;
            }
        }

        // mod_audio_stream's stop returns once the socket is closed (final text first) and the files are deleted.
        await stopping.StopAsync(finalText);
        return Ok;
    }

    private static string Start(SwitchCore core, SandboxChannel channel, string[] argv)
    {
        if (argv.Length < 4)
        {
            return Failed;
        }

        var url = argv[2];
        var metadata = argv.Length > 5 ? argv[5] : null;
        if (!AudioStreamOptions.TryParseMix(argv[3], out var mix))
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

        if (!IsValidUrl(url) || rate % 8000 != 0 || rate <= 0 || !AudioStreamOptions.TryParseUrl(url, out var uri))
        {
            return Failed;
        }

        if (metadata is not null && Encoding.UTF8.GetByteCount(metadata) > MaxMetadata)
        {
            return Failed;
        }

        if (channel.Media.Stream is not null || !channel.MarkPreAnswered())
        {
            // "bug already attached", or a channel that cannot get media.
            return Failed;
        }

        var vars = channel.Vars;
        var heartBeat = HangupCauses.Atoi(vars.Get("STREAM_HEART_BEAT"));
        var options = new AudioStreamOptions
        {
            Url = uri!,
            TempDirectory = core.Options.TempDirectory,
            Mix = mix,
            SampleRate = rate,
            Metadata = metadata,
            BufferMilliseconds = AudioStreamOptions.ParseBufferSize(vars.Get("STREAM_BUFFER_SIZE")),
            ExtraHeaders = ParseHeaders(vars.Get("STREAM_EXTRA_HEADERS")),
            HeartBeat = heartBeat > 0 ? TimeSpan.FromSeconds(heartBeat) : null,
            LatencyProbe = core.Options.StreamLatencyProbe,
        };
        var session = new AudioStreamSession(channel.Media.Channel, options, (subclass, body) => FireStreamEvent(core, channel, subclass, body),
            core.LoggerFactory.CreateLogger("Switchboard.Sandbox.Media"));
        if (!session.TryStart())
        {
            return Failed;
        }

        FireBug(channel, EventNames.MediaBugStart);
        return Ok;
    }

    /// <summary>The module's events carry the channel's data and variables, with the JSON as body.</summary>
    private static void FireStreamEvent(SwitchCore core, SandboxChannel channel, string subclass, string body)
    {
        lock (core.Sync)
        {
            if (channel.IsHungUp)
            {
                return;
            }

            var e = channel.CreateEvent(EventNames.Custom, new("mod_audio_stream.c", "responseHandler", 17), subclass);
            e.Body = body;
            core.Bus.Fire(e);
        }
    }

    private static void FireBug(SandboxChannel channel, int type) =>
        channel.Fire(type, new("switch_core_media_bug.c", type == EventNames.MediaBugStart ? "switch_core_media_bug_add" : "switch_core_media_bug_close", 982), e =>
        {
            e.Add("Media-Bug-Function", "audio_stream");
            e.Add("Media-Bug-Target", string.Empty);
        });

    private static Dictionary<string, string>? ParseHeaders(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    headers[property.Name] = property.Value.GetString()!;
                }
            }

            return headers;
        }
        catch (JsonException)
        {
            return null;
        }
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
