using System.Text;
using Switchboard.Sandbox.Dialplan;
using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.Api;

/// <summary>The <c>uuid_*</c> commands of mod_commands, with their argument parsing and replies.</summary>
internal sealed class ChannelCommands
{
    private const string NoSuchChannel = "-ERR No such channel!\n";
    private readonly SwitchCore _core;

    public ChannelCommands(SwitchCore core)
    {
        _core = core;
    }

    public string Exists(string? args) => args is not null && _core.Channels.TryGet(args, out _) ? "true" : "false";

    public string Kill(string? args)
    {
        if (string.IsNullOrEmpty(args))
        {
            return "-USAGE: <uuid> [cause]\n";
        }

        var uuid = args;
        var cause = HangupCauses.NormalClearing;
        var space = args.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0)
        {
            uuid = args[..space];
            var name = args[(space + 1)..];
            if (name.Length > 0)
            {
                cause = HangupCauses.ParseOrNormalClearing(name);
            }
        }

        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(uuid, out var channel))
            {
                return NoSuchChannel;
            }

            channel.HangupNow(cause);
            return "+OK\n";
        }
    }

    public string Park(string? args)
    {
        if (args is null)
        {
            return "-USAGE: <uuid>\n";
        }

        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(args, out var channel))
            {
                return NoSuchChannel;
            }

            Redirect(channel, StartAction.Run(new DialplanAction("park", null)));
            return "+OK\n";
        }
    }

    public string Answer(string? args)
    {
        lock (_core.Sync)
        {
            return args is not null && _core.Channels.TryGet(args, out var channel) && channel.MarkAnswered() ? "+OK\n" : "-ERROR\n";
        }
    }

    public string PreAnswer(string? args)
    {
        lock (_core.Sync)
        {
            return args is not null && _core.Channels.TryGet(args, out var channel) && channel.MarkPreAnswered() ? "+OK\n" : "-ERROR\n";
        }
    }

    public string Transfer(string? args)
    {
        const string usage = "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n";
        if (string.IsNullOrEmpty(args))
        {
            return usage;
        }

        var argv = ApiArguments.Split(args, ' ', 5);
        if (argv.Length < 2 || argv.Length > 5)
        {
            return usage;
        }

        lock (_core.Sync)
        {
            if (argv[0].Length == 0 || !_core.Channels.TryGet(argv[0], out var target))
            {
                return NoSuchChannel;
            }

            var dest = argv[1];
            var dialplan = Arg(argv, 2);
            var context = Arg(argv, 3);
            string? flag = null;
            if (dest.StartsWith('-'))
            {
                flag = dest[1..];
                dest = Arg(argv, 2) ?? string.Empty;
                dialplan = Arg(argv, 3);
                context = Arg(argv, 4);
            }

            if (flag is not null)
            {
                var partner = target.Partner;
                if (string.Equals(flag, "bleg", StringComparison.OrdinalIgnoreCase))
                {
                    if (partner is not null)
                    {
                        target = partner;
                    }
                }
                else if (string.Equals(flag, "both", StringComparison.OrdinalIgnoreCase) && partner is not null)
                {
                    // Both legs leave the bridge for the same destination; neither is hung up by the other.
                    target.Partner = null;
                    partner.Partner = null;
                    TransferOne(partner, dest, dialplan, context);
                }
            }

            return TransferOne(target, dest, dialplan, context) ? "+OK\n" : "-ERR\n";
        }
    }

    public string Bridge(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 4);
        if (string.IsNullOrEmpty(args) || argv.Length < 2)
        {
            return "-USAGE: <uuid> <other_uuid>\n";
        }

        lock (_core.Sync)
        {
            if (TryBridge(argv[0], argv[1]))
            {
                return $"+OK {argv[1]}\n";
            }

            if (Arg(argv, 2) is { } fallback && TryBridge(argv[0], fallback))
            {
                return $"+OK {fallback}\n";
            }

            return "-ERR Invalid uuid\n";
        }
    }

    public string Hold(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 4);
        if (string.IsNullOrEmpty(args) || argv.Length < 1 || argv[0].Length == 0)
        {
            return "-USAGE: [off|toggle] <uuid> [<display>]\n-ERR Operation failed\n";
        }

        bool ok;
        lock (_core.Sync)
        {
            if (string.Equals(argv[0], "off", StringComparison.OrdinalIgnoreCase))
            {
                ok = !_core.Channels.TryGet(Arg(argv, 1), out var channel) || channel.Unhold();
            }
            else if (string.Equals(argv[0], "toggle", StringComparison.OrdinalIgnoreCase))
            {
                ok = true;
                if (_core.Channels.TryGet(Arg(argv, 1), out var channel))
                {
                    var state = channel.CallStateLocked;
                    ok = state is "ACTIVE" or "UNHELD" ? channel.Hold() : state != "HELD" || channel.Unhold();
                }
            }
            else
            {
                // switch_ivr_hold_uuid reports success when the UUID does not exist.
                ok = !_core.Channels.TryGet(argv[0], out var channel) || channel.Hold();
            }
        }

        return ok ? "+OK Success\n" : "-ERR Operation failed\n";
    }

    public string Break(string? args)
    {
        if (string.IsNullOrEmpty(args))
        {
            return "-USAGE: <uuid> [all]\n";
        }

        var uuid = args;
        string? flag = null;
        var space = args.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0)
        {
            uuid = args[..space];
            flag = args[(space + 1)..];
        }

        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(uuid, out var channel))
            {
                return NoSuchChannel;
            }

            var all = flag?.Contains("all", StringComparison.Ordinal) == true;
            var both = flag?.Contains("both", StringComparison.Ordinal) == true;
            channel.Break(all);
            if (both && channel.Partner is { } partner)
            {
                partner.Break(all);
            }

            return "+OK\n";
        }
    }

    public string Broadcast(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 4);
        if (string.IsNullOrEmpty(args) || argv.Length < 2)
        {
            return "-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n";
        }

        bool echoA, echoB, holdB;
        if (Arg(argv, 2) is { } legs)
        {
            echoA = echoB = holdB = false;
            if (legs.Contains("both", StringComparison.OrdinalIgnoreCase))
            {
                echoA = echoB = true;
            }

            if (legs.Contains("aleg", StringComparison.OrdinalIgnoreCase))
            {
                echoA = true;
            }

            if (legs.Contains("bleg", StringComparison.OrdinalIgnoreCase))
            {
                holdB = false;
                echoB = true;
            }

            if (legs.Contains("holdb", StringComparison.OrdinalIgnoreCase))
            {
                echoB = false;
                holdB = true;
            }
        }
        else
        {
            echoA = true;
            echoB = false;
            holdB = true;
        }

        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(argv[0], out var channel))
            {
                return "-ERR invalid uuid\n";
            }

            var app = "playback";
            var path = argv[1];
            var marker = path.IndexOf("::", StringComparison.Ordinal);
            if (marker > 0)
            {
                app = path[..marker];
                path = path[(marker + 2)..];
            }

            string? cause = null;
            var bang = app.IndexOf('!', StringComparison.Ordinal);
            if (bang >= 0)
            {
                cause = app[(bang + 1)..];
                app = app[..bang];
                if (cause.Length == 0)
                {
                    cause = "normal_clearing";
                }
            }

            if (echoB && channel.Partner is { } partner)
            {
                partner.QueueMessage(BroadcastMessage(app, path, holdB));
            }

            if (echoA)
            {
                channel.QueueMessage(BroadcastMessage(app, path, holdB));
            }

            if (cause is not null)
            {
                channel.QueueMessage(ChannelMessage.Execute("hangup", cause, eventLock: true));
            }

            return "+OK Message sent\n";
        }
    }

    public string SetVar(string? args)
    {
        const string usage = "-USAGE: <uuid> <var> [value]\n";
        var argv = ApiArguments.Split(args, ' ', 3);
        if (string.IsNullOrEmpty(args) || argv.Length is not (2 or 3) || argv[0].Length == 0)
        {
            return usage;
        }

        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(argv[0], out var channel))
            {
                return NoSuchChannel;
            }

            if (argv[1].Length == 0)
            {
                return "-ERR No variable specified\n";
            }

            var value = argv.Length == 3 && argv[2].Length > 0 ? argv[2] : null;
            channel.Vars.Set(argv[1], value);
            return "+OK\n";
        }
    }

    public string SetVarMulti(string? args)
    {
        const string usage = "-USAGE: <uuid> <var>=<value>;<var>=<value>...\n";
        if (string.IsNullOrEmpty(args))
        {
            return usage;
        }

        var space = args.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return string.Empty;
        }

        var uuid = args[..space];
        var output = new StringBuilder();
        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(uuid, out var channel))
            {
                return NoSuchChannel + usage;
            }

            var set = 0;
            foreach (var item in ApiArguments.Split(args[(space + 1)..], ';', 64))
            {
                var eq = item.IndexOf('=', StringComparison.Ordinal);
                var name = eq >= 0 ? item[..eq] : item;
                var value = eq >= 0 ? item[(eq + 1)..] : null;
                if (name.Length == 0)
                {
                    output.Append("-ERR No variable specified\n");
                }
                else
                {
                    channel.Vars.Set(name, string.IsNullOrEmpty(value) ? null : value);
                    set++;
                }
            }

            if (set > 0)
            {
                return output.Append("+OK\n").ToString();
            }
        }

        return output.Append(usage).ToString();
    }

    public string GetVar(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 4);
        if (string.IsNullOrEmpty(args) || argv.Length < 2 || argv[0].Length == 0)
        {
            return "-USAGE: <uuid> <var>\n";
        }

        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(argv[0], out var channel))
            {
                return NoSuchChannel;
            }

            if (argv[1].Length == 0)
            {
                return "-ERR No variable name specified!\n";
            }

            return channel.Vars.Get(argv[1]) ?? "_undef_";
        }
    }

    public string Dump(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 2);
        if (string.IsNullOrEmpty(args) || argv.Length == 0 || argv[0].Length == 0)
        {
            return "-USAGE: <uuid> [format]\n";
        }

        var format = Arg(argv, 1) ?? "txt";
        lock (_core.Sync)
        {
            if (!_core.Channels.TryGet(argv[0], out var channel))
            {
                return NoSuchChannel;
            }

            var e = _core.Events.Create(EventNames.ChannelData, new("mod_commands.c", "uuid_dump_function", 6491));
            channel.AddEventData(e, withVariables: true);
            var bytes = format.ToLowerInvariant() switch
            {
                "json" => e.JsonBytes,
                "xml" => EventXml.Serialize(e),
                "plain" => EventSerializer.SerializePlain(e, encode: false),
                _ => e.PlainBytes,
            };
            return Encoding.UTF8.GetString(bytes);
        }
    }

    public string SendDtmf(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 2);
        if (string.IsNullOrEmpty(args) || argv.Length < 2)
        {
            return "-USAGE: <uuid> <dtmf_data>\n";
        }

        lock (_core.Sync)
        {
            return _core.Channels.TryGet(argv[0], out _) ? "+OK Success\n" : NoSuchChannel;
        }
    }

    public string HangupAll(string? args)
    {
        var argv = ApiArguments.Split(args, ' ', 11);
        var cause = "MANAGER_REQUEST";
        var matches = new List<KeyValuePair<string, string>>();
        if (argv.Length > 0)
        {
            var parsed = HangupCauses.Parse(argv[0]);
            cause = parsed == "NONE" ? "MANAGER_REQUEST" : parsed;
            for (var i = 1; i < argv.Length - 1; i += 2)
            {
                if (argv[i].Length > 0 && argv[i + 1].Length > 0)
                {
                    matches.Add(new(argv[i], argv[i + 1]));
                }
            }
        }

        lock (_core.Sync)
        {
            foreach (var channel in _core.Channels.Snapshot())
            {
                if (matches.Count == 0 || matches.Any(m => channel.Vars.Get(m.Key) == m.Value))
                {
                    channel.HangupNow(cause);
                }
            }
        }

        return matches.Count switch
        {
            0 => $"+OK hangup all channels with cause {cause}\n",
            1 => $"+OK hangup all channels matching [{argv[1]}]=[{argv[2]}] with cause: {cause}\n",
            _ => $"+OK hangup all channels matching [{argv[1]}]=[{argv[2]}]... with cause: {cause}\n",
        };
    }

    /// <summary><c>switch_ivr_session_transfer</c>'s defaults: the profile's dialplan (not inline) and context, then force_transfer_* vars.</summary>
    private static bool TransferOne(SandboxChannel channel, string dest, string? dialplan, string? context)
    {
        if (string.IsNullOrEmpty(dialplan))
        {
            dialplan = string.Equals(channel.Profile.Dialplan, "inline", StringComparison.OrdinalIgnoreCase) ? null : channel.Profile.Dialplan;
        }

        if (string.IsNullOrEmpty(context))
        {
            context = channel.Profile.Context;
        }

        if (channel.Vars.Get("force_transfer_dialplan") is { Length: > 0 } forcedDialplan)
        {
            dialplan = forcedDialplan;
        }

        if (channel.Vars.Get("force_transfer_context") is { Length: > 0 } forcedContext)
        {
            context = forcedContext;
        }

        return channel.Transfer(dest, string.IsNullOrEmpty(dialplan) ? "XML" : dialplan, string.IsNullOrEmpty(context) ? "default" : context);
    }

    private bool TryBridge(string a, string b)
    {
        if (!_core.Channels.TryGet(a, out var originator) || !_core.Channels.TryGet(b, out var originatee)
            || originator.IsHungUp || originatee.IsHungUp || ReferenceEquals(originator, originatee))
        {
            return false;
        }

        if (!originator.Answered && !originatee.Answered)
        {
            // "Neither channel is answered, cannot bridge them."
            return false;
        }

        originator.Unbridge();
        originatee.Unbridge();
        Redirect(originator, StartAction.Bridge(originatee, originator: true));
        Redirect(originatee, StartAction.Bridge(originator, originator: false));
        return true;
    }

    private static void Redirect(SandboxChannel channel, StartAction action)
    {
        if (!channel.StartTask.IsCompleted)
        {
            channel.Begin(action);
        }
        else
        {
            channel.Interrupt(action);
        }
    }

    private static ChannelMessage BroadcastMessage(string app, string path, bool holdB)
    {
        var message = ChannelMessage.Execute(app, path, eventLock: true, leadFrames: 5);
        if (holdB)
        {
            message.Headers.Add(new("hold-bleg", "true"));
        }

        return message;
    }

    private static string? Arg(string[] argv, int index) => index < argv.Length ? argv[index] : null;
}
