using System.Buffers;
using System.Globalization;
using System.Text;
using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.Api;

/// <summary>
/// <c>show channels|calls [count|like X] [as json|delim]</c> over the channel registry, with the core's
/// <c>channels</c> table columns; an empty JSON listing is <c>{"row_count": 0}\n</c>.
/// </summary>
internal static class ShowCommand
{
    private const string Usage = "-USAGE: codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status\n";

    private static readonly string[] Columns =
    [
        "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
        "application", "application_data", "dialplan", "context", "read_codec", "read_rate", "read_bit_rate",
        "write_codec", "write_rate", "write_bit_rate", "secure", "hostname", "presence_id", "presence_data",
        "accountcode", "callstate", "callee_name", "callee_num", "callee_direction", "call_uuid", "sent_callee_name",
        "sent_callee_num", "initial_cid_name", "initial_cid_num", "initial_ip_addr", "initial_dest",
        "initial_dialplan", "initial_context",
    ];

    public static string Execute(SwitchCore core, string? args)
    {
        var argv = string.IsNullOrEmpty(args) ? [] : ApiArguments.Split(args, ' ', 6);
        if (argv.Length == 0)
        {
            return Usage;
        }

        var command = argv[0];
        string? Arg(int i) => i < argv.Length ? argv[i] : null;
        string? format = Arg(2) is not null && string.Equals(Arg(1), "as", StringComparison.OrdinalIgnoreCase) ? Arg(2) : null;
        var countOnly = false;
        string? like = null;
        if (string.Equals(command, "channels", StringComparison.OrdinalIgnoreCase) || string.Equals(command, "calls", StringComparison.OrdinalIgnoreCase))
        {
            if (string.Equals(Arg(1), "count", StringComparison.OrdinalIgnoreCase))
            {
                countOnly = true;
                format = Arg(3) is not null && string.Equals(Arg(2), "as", StringComparison.OrdinalIgnoreCase) ? Arg(3) : null;
            }
            else if (string.Equals(Arg(1), "like", StringComparison.OrdinalIgnoreCase) && Arg(2) is { } pattern)
            {
                like = pattern;
                format = Arg(4) is not null && string.Equals(Arg(3), "as", StringComparison.OrdinalIgnoreCase) ? Arg(4) : null;
            }
        }
        else
        {
            return Usage;
        }

        List<string[]> rows;
        lock (core.Sync)
        {
            rows = core.Channels.Snapshot()
                .Where(c => like is null || Matches(c, like))
                .Select(c => Row(core, c))
                .ToList();
        }

        format ??= "delim";
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            if (countOnly)
            {
                return $"{{\"row_count\":{rows.Count.ToString(CultureInfo.InvariantCulture)},\"rows\":[]}}";
            }

            return rows.Count == 0 ? "{\"row_count\": 0}\n" : Json(rows);
        }

        var sb = new StringBuilder();
        if (!countOnly && rows.Count > 0)
        {
            sb.Append(string.Join(',', Columns)).Append('\n');
            foreach (var row in rows)
            {
                sb.Append(string.Join(',', row)).Append('\n');
            }
        }

        sb.Append('\n').Append(rows.Count.ToString(CultureInfo.InvariantCulture)).Append(" total.\n");
        return sb.ToString();
    }

    private static bool Matches(SandboxChannel channel, string like) =>
        channel.Uuid.Contains(like, StringComparison.OrdinalIgnoreCase)
        || channel.Name.Contains(like, StringComparison.OrdinalIgnoreCase)
        || channel.Profile.CallerIdName.Contains(like, StringComparison.OrdinalIgnoreCase)
        || channel.Profile.CallerIdNumber.Contains(like, StringComparison.OrdinalIgnoreCase);

    private static string[] Row(SwitchCore core, SandboxChannel c)
    {
        var p = c.Profile;
        var created = DateTimeOffset.FromUnixTimeMilliseconds(p.Created / 1000);
        var local = TimeZoneInfo.ConvertTime(created, core.Time.LocalTimeZone);
        return
        [
            c.Uuid, c.Direction, local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            (p.Created / 1_000_000).ToString(CultureInfo.InvariantCulture), c.Name, ChannelStates.NameOf(c.StateNumber),
            p.CallerIdName, p.CallerIdNumber, p.NetworkAddr, p.DestinationNumber,
            c.Vars.Get("current_application") ?? string.Empty, c.Vars.Get("current_application_data") ?? string.Empty,
            p.Dialplan, p.Context, "PCMU", "8000", "64000", "PCMU", "8000", "64000", string.Empty, core.Options.Hostname,
            c.Vars.Get("presence_id") ?? string.Empty, c.Vars.Get("presence_data") ?? string.Empty,
            c.Vars.Get("accountcode") ?? string.Empty, c.CallStateLocked, p.CalleeIdName, p.CalleeIdNumber,
            p.CalleeIdName.Length > 0 ? "SEND" : string.Empty, c.Vars.Get("call_uuid") ?? c.Uuid, string.Empty, string.Empty,
            p.OrigCallerIdName, p.OrigCallerIdNumber, p.NetworkAddr, p.DestinationNumber, p.Dialplan, p.Context,
        ];
    }

    private static string Json(List<string[]> rows)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        EventSerializer.Write(buffer, "{\"row_count\":" + rows.Count.ToString(CultureInfo.InvariantCulture) + ",\"rows\":[");
        for (var r = 0; r < rows.Count; r++)
        {
            EventSerializer.Write(buffer, r == 0 ? "{" : ",{");
            for (var i = 0; i < Columns.Length; i++)
            {
                if (i > 0)
                {
                    EventSerializer.Write(buffer, ",");
                }

                EventSerializer.WriteJsonString(buffer, Columns[i]);
                EventSerializer.Write(buffer, ":");
                EventSerializer.WriteJsonString(buffer, rows[r][i]);
            }

            EventSerializer.Write(buffer, "}");
        }

        EventSerializer.Write(buffer, "]}");
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
