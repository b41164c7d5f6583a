using Switchboard.Sandbox.Dialplan;

namespace Switchboard.Sandbox.Api;

/// <summary>
/// <c>originate &lt;dial-string&gt; &lt;exten&gt;|&amp;app(args) [dialplan] [context] [cid_name] [cid_num] [timeout]</c>
/// with the measured timings: <c>api</c> gives up on a ring timeout about half a second early, a <c>bgapi</c> job
/// reports just after it; failures reach <c>BACKGROUND_JOB</c> 15–20 ms after <c>api</c> would have answered.
/// </summary>
internal sealed class OriginateCommand
{
    private const string Usage = "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n";
    private static readonly TimeSpan BackgroundFailureLag = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan BackgroundImmediateLag = TimeSpan.FromMilliseconds(19);
    private readonly SwitchCore _core;

    public OriginateCommand(SwitchCore core)
    {
        _core = core;
    }

    public async Task<string> ExecuteAsync(string? args, bool background, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(args))
        {
            return Usage;
        }

        var argv = ApiArguments.Split(args, ' ', 10);
        if (argv.Length < 2 || argv.Length > 7)
        {
            return Usage;
        }

        string? At(int i) => i < argv.Length && !string.Equals(argv[i], "undef", StringComparison.OrdinalIgnoreCase) ? argv[i] : null;
        var dialString = At(0) ?? string.Empty;
        var exten = At(1) ?? "undef";
        var dialplan = At(2) ?? "XML";
        var context = At(3) ?? "default";
        var timeout = At(6) is { } t ? HangupCauses.Atoi(t) : 60;

        var started = _core.Time.GetTimestamp();
        var result = await _core.Originator.OriginateAsync(
            new OriginateRequest(dialString, timeout, At(4), At(5), null, background), cancellationToken);
        if (result.Channel is not { } channel)
        {
            if (background)
            {
                var immediate = _core.Time.GetElapsedTime(started) < TimeSpan.FromMilliseconds(5);
                await Task.Delay(immediate ? BackgroundImmediateLag : BackgroundFailureLag, _core.Time, cancellationToken);
            }

            return $"-ERR {result.Cause}\n";
        }

        lock (_core.Sync)
        {
            FlipCallerId(channel);
            if (exten.Length > 1 && exten[0] == '&')
            {
                var app = exten[1..];
                var close = app.IndexOf(')', StringComparison.Ordinal);
                if (close >= 0)
                {
                    app = app[..close];
                }

                string? arg = null;
                var open = app.IndexOf('(', StringComparison.Ordinal);
                if (open >= 0)
                {
                    arg = app[(open + 1)..];
                    app = app[..open];
                }

                channel.Begin(StartAction.Run(new DialplanAction(app, arg)));
            }
            else
            {
                channel.Profile.Rdnis = string.Empty;
                channel.Profile.DestinationNumber = exten;
                channel.Profile.Dialplan = dialplan;
                channel.Profile.Context = context;
                channel.Begin(StartAction.Route);
            }
        }

        return $"+OK {channel.Uuid}\n";
    }

    /// <summary>
    /// An originated leg that starts executing shows the callee as its caller id (<c>switch_channel_flip_cid</c>):
    /// a conference lists it as <c>Outbound Call</c> with the dialled number.
    /// </summary>
    private static void FlipCallerId(SandboxChannel channel)
    {
        var p = channel.Profile;
        (p.CallerIdName, p.CalleeIdName) = (p.CalleeIdName, p.CallerIdName);
        (p.CallerIdNumber, p.CalleeIdNumber) = (p.CalleeIdNumber, p.CallerIdNumber);
        p.LogicalInbound = true;
        channel.DialplanHit = true;
    }
}
