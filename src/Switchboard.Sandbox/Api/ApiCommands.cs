using Switchboard.Sandbox.Conferences;

namespace Switchboard.Sandbox.Api;

/// <summary>The output of an API command, or <c>Found = false</c> when no such command exists.</summary>
internal readonly record struct ApiResult(bool Found, string Output);

/// <summary>
/// The API commands the sandbox implements (mod_commands, mod_conference, mod_audio_stream), with FreeSWITCH's exact
/// reply strings. Names are case-insensitive like the core's API hash.
/// </summary>
internal sealed class ApiCommands
{
    private readonly SwitchCore _core;
    private readonly Dictionary<string, Func<string?, bool, CancellationToken, Task<string>>> _commands = new(StringComparer.OrdinalIgnoreCase);

    public ApiCommands(SwitchCore core)
    {
        _core = core;
        var channels = new ChannelCommands(core);
        var originate = new OriginateCommand(core);
        Sync("uuid_exists", channels.Exists);
        Sync("uuid_kill", channels.Kill);
        Sync("uuid_park", channels.Park);
        Sync("uuid_answer", channels.Answer);
        Sync("uuid_pre_answer", channels.PreAnswer);
        Sync("uuid_transfer", channels.Transfer);
        Sync("uuid_bridge", channels.Bridge);
        Sync("uuid_hold", channels.Hold);
        Sync("uuid_break", channels.Break);
        Sync("uuid_broadcast", channels.Broadcast);
        Sync("uuid_setvar", channels.SetVar);
        Sync("uuid_setvar_multi", channels.SetVarMulti);
        Sync("uuid_getvar", channels.GetVar);
        Sync("uuid_dump", channels.Dump);
        Sync("uuid_send_dtmf", channels.SendDtmf);
        Sync("uuid_record", a => RecordCommand.Execute(core, a));
        _commands["uuid_audio_stream"] = (a, _, _) => AudioStreamCommand.ExecuteAsync(core, a);
        Sync("hupall", channels.HangupAll);
        Sync("show", a => ShowCommand.Execute(core, a));
        Sync("conference", a =>
        {
            lock (core.Sync)
            {
                return ConferenceCommand.Execute(core, a);
            }
        });
        Sync("status", _ => Status());
        Sync("version", _ => "FreeSWITCH Version 1.10.12-release~64bit (switchboard sandbox)\n");
        Sync("hostname", _ => core.Options.Hostname);
        Sync("global_getvar", a => a switch
        {
            "hostname" => core.Options.Hostname,
            "switch_serial" => core.CoreUuid,
            "temp_dir" => core.Options.TempDirectory,
            "recordings_dir" => core.Options.RecordingsDirectory,
            "hold_music" => "local_stream://moh",
            _ => string.Empty,
        });
        _commands["originate"] = originate.ExecuteAsync;
    }

    public async Task<ApiResult> ExecuteAsync(string command, string? args, bool background, CancellationToken cancellationToken)
    {
        if (!_commands.TryGetValue(command, out var run))
        {
            return new ApiResult(false, string.Empty);
        }

        return new ApiResult(true, await run(args, background, cancellationToken));
    }

    private void Sync(string name, Func<string?, string> run) =>
        _commands[name] = (args, _, _) => Task.FromResult(run(args));

    private string Status()
    {
        var uptime = _core.Time.GetUtcNow() - _core.StartedAt;
        var sessions = _core.Channels.Count;
        return $"UP {uptime.Days / 365} years, {uptime.Days % 365} days, {uptime.Hours} hours, {uptime.Minutes} minutes, {uptime.Seconds} seconds, {uptime.Milliseconds} milliseconds, 0 microseconds\n"
            + "FreeSWITCH (Version 1.10.12 -release 64bit) is ready\n"
            + $"{_core.TotalSessions} session(s) since startup\n"
            + $"{sessions} session(s) - peak {_core.PeakSessions}, last 5min {sessions}\n"
            + "0 session(s) per Sec out of max 30, peak 0, last 5min 0\n"
            + "1000 session(s) max\n"
            + "min idle cpu 0.00/100.00\n"
            + "Current Stack Size/Max 240K/8192K\n";
    }
}
