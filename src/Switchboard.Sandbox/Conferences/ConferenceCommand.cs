using System.Globalization;
using System.Text;
using Switchboard.Sandbox.Api;

namespace Switchboard.Sandbox.Conferences;

/// <summary>
/// The <c>conference</c> API (<c>conference_api_main_real</c> and <c>conference_api_dispatch</c>): member targets are
/// parsed with <c>atoi()</c> first, so a channel UUID is read as the member id its leading digits spell.
/// </summary>
internal static class ConferenceCommand
{
    private delegate string MemberCommand(Conference conference, ConferenceMember member, string? data);

    private static readonly Dictionary<string, (string Syntax, MemberCommand Run)> MemberCommands =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["mute"] = ("<[member_id|all]|last|non_moderator> [<quiet>]", (c, m, _) => c.Mute(m)),
            ["tmute"] = ("<[member_id|all]|last|non_moderator> [<quiet>]", (c, m, _) => m.CanSpeak ? c.Mute(m) : c.Unmute(m)),
            ["unmute"] = ("<[member_id|all]|last|non_moderator> [<quiet>]", (c, m, _) => c.Unmute(m)),
            ["deaf"] = ("<[member_id|all]|last|non_moderator>", (c, m, _) => c.Deaf(m)),
            ["undeaf"] = ("<[member_id|all]|last|non_moderator>", (c, m, _) => c.Undeaf(m)),
            ["kick"] = ("<[member_id|all|last|non_moderator]> [<optional sound file>]", (c, m, _) => c.Kick(m)),
            ["hup"] = ("<[member_id|all|last|non_moderator]>", (c, m, _) => c.Hup(m)),
            ["hold"] = ("<[member_id|all]|last|non_moderator> [file]", (c, m, _) => c.HoldMember(m)),
            ["unhold"] = ("<[member_id|all]|last|non_moderator>", (c, m, _) => c.UnholdMember(m)),
            ["vmute"] = ("<[member_id|all]|last|non_moderator> [<quiet>]", (c, m, _) => c.Vmute(m, true)),
            ["unvmute"] = ("<[member_id|all]|last|non_moderator> [<quiet>]", (c, m, _) => c.Vmute(m, false)),
            ["tvmute"] = ("<[member_id|all]|last|non_moderator> [<quiet>]", (c, m, _) => c.Vmute(m, m.CanBeSeen)),
            ["energy"] = ("<member_id|all|last|non_moderator> [<newval>]", Energy),
            ["volume_in"] = ("<member_id|all|last|non_moderator> [<newval>]", (c, m, d) => Volume(m, d, input: true)),
            ["volume_out"] = ("<member_id|all|last|non_moderator> [<newval>]", (c, m, d) => Volume(m, d, input: false)),
            ["get-uuid"] = ("<member_id|last>", (c, m, _) => m.Channel.Uuid),
        };

    public static string Execute(SwitchCore core, string? args)
    {
        var argv = ApiArguments.Split(args ?? "help", ' ', 25);
        if (argv.Length == 0)
        {
            return string.Empty;
        }

        var conference = core.Conferences.Find(argv[0]);
        if (conference is not null)
        {
            return argv.Length >= 2 ? Dispatch(conference, argv) : "Conference command, not specified.\nTry 'help'\n";
        }

        if (Is(argv[0], "list"))
        {
            return ListAll(core, argv);
        }

        if (Is(argv[0], "count"))
        {
            return core.Conferences.All.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (Is(argv[0], "help") || Is(argv[0], "commands"))
        {
            return "conference <conf name> <command> [args]\n";
        }

        return $"-ERR Conference {argv[0]} not found\n";
    }

    private static string Dispatch(Conference conference, string[] argv)
    {
        var command = argv[1];
        if (MemberCommands.TryGetValue(command, out var entry))
        {
            return MemberTarget(conference, command, entry.Syntax, entry.Run, Arg(argv, 2), Arg(argv, 3));
        }

        if (Is(command, "list"))
        {
            var delimiter = ";";
            var option = Arg(argv, 2);
            if (option is not null && Is(option, "delim") && Arg(argv, 3) is { } d)
            {
                delimiter = d;
                if (delimiter.StartsWith('"'))
                {
                    delimiter = delimiter.Length > 1 ? delimiter[1..].Split('"')[0] : ";";
                }
            }
            else if (option is not null && Is(option, "count"))
            {
                return conference.Count.ToString(CultureInfo.InvariantCulture);
            }

            return conference.List(delimiter);
        }

        if (Is(command, "count"))
        {
            return conference.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (Is(command, "get"))
        {
            return Get(conference, argv) ?? "get <parameter-name>";
        }

        if (Is(command, "json_list"))
        {
            return JsonList(conference);
        }

        return $"-ERR Conference command '{command}' not found.\n";
    }

    private static string MemberTarget(Conference conference, string command, string syntax, MemberCommand run, string? target, string? data)
    {
        var sb = new StringBuilder();
        uint id = 0;
        bool all = false, nonModerator = false, last = false;
        if (target is not null)
        {
            id = unchecked((uint)HangupCauses.Atoi(target));
            if (id == 0)
            {
                all = Is(target, "all");
                nonModerator = Is(target, "non_moderator");
                last = Is(target, "last");
            }
        }

        if (all || nonModerator)
        {
            foreach (var member in conference.Members.ToArray())
            {
                if (!(nonModerator && member.Moderator))
                {
                    sb.Append(run(conference, member, data));
                }
                else
                {
                    sb.Append("Skipping moderator (member id ").Append(member.Id.ToString(CultureInfo.InvariantCulture)).Append(").\n");
                }
            }
        }
        else if (last)
        {
            var member = conference.Members.OrderByDescending(m => m.Id).FirstOrDefault();
            if (member is not null)
            {
                sb.Append(run(conference, member, data));
            }
        }
        else if (id != 0)
        {
            var member = id <= int.MaxValue ? conference.Find((int)id) : null;
            sb.Append(member is not null ? run(conference, member, data) : $"-ERR Non-Existant ID {id.ToString(CultureInfo.InvariantCulture)}\n");
        }
        else if (!string.IsNullOrEmpty(target) && target.Contains('=', StringComparison.Ordinal))
        {
            var eq = target.IndexOf('=', StringComparison.Ordinal);
            var name = target[..eq];
            var value = target[(eq + 1)..];
            var member = conference.Members.FirstOrDefault(m => m.Channel.Vars.Get(name) == value);
            sb.Append(member is not null ? run(conference, member, data) : "-ERR Non-Existant member\n");
        }
        else
        {
            sb.Append(command.ToLowerInvariant()).Append(' ').Append(syntax);
        }

        return sb.ToString();
    }

    private static string ListAll(SwitchCore core, string[] argv)
    {
        var summary = Arg(argv, 1) is { } option && Is(option, "summary");
        var count = Arg(argv, 1) is { } c && Is(c, "count");
        var delimiter = ";";
        if (Arg(argv, 1) is { } d && Is(d, "delim") && Arg(argv, 2) is { } value)
        {
            delimiter = value;
        }

        var sb = new StringBuilder();
        foreach (var conference in core.Conferences.All)
        {
            sb.Append(conference.SummaryLine());
            if (!summary && !count)
            {
                sb.Append(conference.List(delimiter));
            }
        }

        if (core.Conferences.All.Count == 0)
        {
            sb.Append("+OK No active conferences.\n");
        }

        return sb.ToString();
    }

    private static string? Get(Conference conference, string[] argv)
    {
        if (argv.Length != 3)
        {
            return null;
        }

        return argv[2].ToLowerInvariant() switch
        {
            "run_time" => (conference.RunTime > 0 ? 0 : 0).ToString(CultureInfo.InvariantCulture),
            "count" => conference.Count.ToString(CultureInfo.InvariantCulture),
            "count_ghosts" => conference.Ghosts.ToString(CultureInfo.InvariantCulture),
            "max_members" => "0",
            "rate" => "8000",
            "profile_name" => conference.Profile,
            "sound_prefix" => string.Empty,
            "caller_id_name" => string.Empty,
            "caller_id_number" => string.Empty,
            "is_locked" => string.Empty,
            "endconference_grace_time" => "0",
            "uuid" => conference.Uuid,
            "wait_mod" => string.Empty,
            _ => null,
        };
    }

    private static string JsonList(Conference conference)
    {
        var sb = new StringBuilder("[{\"conference_name\":\"");
        sb.Append(conference.Name).Append("\",\"member_count\":").Append(conference.Count.ToString(CultureInfo.InvariantCulture))
            .Append(",\"conference_uuid\":\"").Append(conference.Uuid).Append("\",\"members\":[");
        var first = true;
        foreach (var m in conference.Members)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append("{\"id\":").Append(m.Id.ToString(CultureInfo.InvariantCulture))
                .Append(",\"uuid\":\"").Append(m.Channel.Uuid)
                .Append("\",\"flags\":{\"can_hear\":").Append(m.CanHear ? "true" : "false")
                .Append(",\"can_speak\":").Append(m.CanSpeak ? "true" : "false")
                .Append(",\"has_floor\":").Append(m.Id == conference.FloorHolder ? "true" : "false")
                .Append(",\"is_moderator\":").Append(m.Moderator ? "true" : "false")
                .Append(",\"end_conference\":").Append(m.EndConference ? "true" : "false")
                .Append("}}");
        }

        sb.Append("]}]");
        return sb.ToString();
    }

    private static string Energy(Conference conference, ConferenceMember member, string? data)
    {
        if (data is not null)
        {
            member.EnergyLevel = Is(data, "up") ? Math.Min(member.EnergyLevel + 200, 1800)
                : Is(data, "down") ? Math.Max(member.EnergyLevel - 200, 0)
                : HangupCauses.Atoi(data);
        }

        return $"Energy {member.Id} = {member.EnergyLevel}\n";
    }

    private static string Volume(ConferenceMember member, string? data, bool input)
    {
        var level = input ? member.VolumeIn : member.VolumeOut;
        if (data is not null)
        {
            level = Is(data, "up") ? level + 1 : Is(data, "down") ? level - 1 : HangupCauses.Atoi(data);
            level = Math.Clamp(level, -4, 4);
            if (input)
            {
                member.VolumeIn = level;
            }
            else
            {
                member.VolumeOut = level;
            }
        }

        return input ? $"+OK Volume IN {member.Id} = {level}\n" : $"+OK Volume OUT {member.Id} = {level}\n";
    }

    private static string? Arg(string[] argv, int index) => index < argv.Length ? argv[index] : null;

    private static bool Is(string value, string word) => string.Equals(value, word, StringComparison.OrdinalIgnoreCase);
}
