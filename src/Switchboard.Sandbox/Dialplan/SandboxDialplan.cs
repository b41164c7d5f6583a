using Switchboard.Sandbox.Api;

namespace Switchboard.Sandbox.Dialplan;

/// <summary>
/// The sandbox's dialplan: the conformance extensions in context <c>default</c> (mirrored by
/// deploy/freeswitch/conformance-dialplan.xml), and per domain context the secretary numbers (answer + park) and the
/// simulated extensions (bridged to <c>user/&lt;n&gt;@&lt;domain&gt;</c>) with their voicemail boxes (<c>*99&lt;n&gt;</c>).
/// Also the <c>inline</c> dialplan.
/// </summary>
internal sealed class SandboxDialplan
{
    /// <summary>The conformance extensions; a real FreeSWITCH gets the same from conformance-dialplan.xml.</summary>
    public static readonly IReadOnlyDictionary<string, DialplanAction[]> Conformance = new Dictionary<string, DialplanAction[]>
    {
        ["7441"] = [new("answer", null), new("park", null)],
        ["7442"] = [new("answer", null), new("playback", "tone_stream://%(1000,0,440);loops=-1")],
        ["7443"] = [new("answer", null), new("echo", null)],
        ["7486"] = [new("hangup", "USER_BUSY")],
        ["7487"] = [new("hangup", "CALL_REJECTED")],
        ["7500"] = [new("ring_ready", null), new("sleep", "600000")],
    };

    private readonly SandboxDirectory _directory;

    /// <summary>Whether the secretary extensions' dialplan records the call (<c>record_session</c>); on by default.</summary>
    public bool RecordSecretaryCalls { get; set; } = true;

    public SandboxDialplan(SandboxDirectory directory)
    {
        _directory = directory;
    }

    /// <summary>
    /// The applications for a destination, or null when nothing matches (the channel then hangs up with
    /// <c>NO_ROUTE_DESTINATION</c>).
    /// </summary>
    public IReadOnlyList<DialplanAction>? Route(string dialplan, string context, string destination)
    {
        if (string.Equals(dialplan, "inline", StringComparison.OrdinalIgnoreCase))
        {
            return ParseInline(destination);
        }

        if (string.Equals(context, "default", StringComparison.OrdinalIgnoreCase)
            && Conformance.TryGetValue(destination, out var conformance))
        {
            return conformance;
        }

        if (_directory.IsSecretary(context, destination))
        {
            // Mirrors deploy/freeswitch/900_switchboard_secretary.xml (without its recording lines when
            // RecordSecretaryCalls is off: a dialplan that leaves recording to Switchboard).
            List<DialplanAction> actions =
            [
                new("set", "switchboard_secretary=" + destination),
                new("set", "hangup_after_bridge=false"),
                new("set", "park_after_bridge=true"),
                new("set", "STREAM_MESSAGE_DEFLATE=true"),
                new("set", "STREAM_HEART_BEAT=15"),
                new("set", "STREAM_BUFFER_SIZE=20"),
            ];
            if (RecordSecretaryCalls)
            {
                actions.Add(new("set", "record_path=${recordings_dir}/${domain_name}/archive/${strftime(%Y)}/${strftime(%b)}/${strftime(%d)}"));
                actions.Add(new("set", "record_name=${uuid}.wav"));
                actions.Add(new("set", "RECORD_STEREO=true"));
            }

            actions.Add(new("answer", null));
            if (RecordSecretaryCalls)
            {
                actions.Add(new("record_session", "${record_path}/${record_name}"));
            }

            actions.Add(new("park", null));
            return actions;
        }

        if (destination.StartsWith("*99", StringComparison.Ordinal) && _directory.FindExtension(context, destination[3..]) is not null)
        {
            // FusionPBX's voicemail feature code: the caller leaves a message in the extension's box after the beep
            // (recorded under voicemail/<domain>/<extension>/; at most two minutes, then the box hangs up).
            string box = destination[3..];
            return
            [
                new("set", "voicemail_id=" + box),
                new("answer", null),
                new("playback", "tone_stream://%(500,0,1000)"),
                new("record_session", "${recordings_dir}/voicemail/${domain_name}/" + box + "/msg_${uuid}.wav"),
                new("sleep", "120000"),
                new("hangup", "NORMAL_CLEARING"),
            ];
        }

        if (_directory.FindExtension(context, destination) is not null)
        {
            return
            [
                new("set", "hangup_after_bridge=true"),
                new("bridge", $"user/{destination}@{context}"),
            ];
        }

        return null;
    }

    /// <summary><c>inline_dialplan_hunt</c>: <c>app:arg,app:arg</c>, or another separator with <c>m:X:</c>.</summary>
    public static IReadOnlyList<DialplanAction>? ParseInline(string target)
    {
        if (string.IsNullOrEmpty(target))
        {
            return null;
        }

        var delimiter = ',';
        if (target.Length >= 4 && target[0] == 'm' && target[1] == ':' && target[3] == ':')
        {
            delimiter = target[2];
            target = target[4..];
        }

        var actions = new List<DialplanAction>();
        foreach (var item in ApiArguments.Split(target, delimiter, 128))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var app = (colon >= 0 ? item[..colon] : item).TrimStart(' ');
            var data = colon >= 0 ? item[(colon + 1)..] : null;
            actions.Add(new DialplanAction(app, data));
        }

        return actions;
    }
}
