using System.Buffers;
using System.Globalization;
using System.Text;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Typed call-control commands (freeswitch.md §2, verified Q2/Q5/Q7). Each builds the exact command text and
/// turns a <c>-ERR …</c> reply into <see cref="EventSocketCommandException"/>. Arguments are escaped for FreeSWITCH's
/// tokenizer (§2.1): a backslash or single quote gets a backslash, and an argument with a space is single-quoted.</summary>
public static partial class EventSocketCommands
{
    private const string Undefined = "_undef_";

    private static readonly SearchValues<char> NotInVariableName = SearchValues.Create("=,;{}[]<>' \t\r\n\\^");
    private static readonly SearchValues<char> NotInProfileName = SearchValues.Create("@+,{}|");
    private static readonly SearchValues<char> MemberFlagChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_");
    private static readonly SearchValues<char> NotInToken = SearchValues.Create(" \t\r\n'\\");

    /// <summary>Originates through <c>bgapi</c> (an <c>api originate</c> would block the connection for the whole ring
    /// time, §1.4) and waits for the BACKGROUND_JOB result. A failure cause is a result, not an exception.</summary>
    public static async Task<OriginateResult> OriginateAsync(this EventSocketClient client, OriginateRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        string body = await client.BackgroundApiAsync(FormatOriginate(request), ct);
        return OriginateResult.Parse(body);
    }

    /// <summary><c>uuid_transfer &lt;uuid&gt; &lt;destination&gt; &lt;dialplan&gt; &lt;context&gt;</c> (§2.4; pass both explicitly).</summary>
    public static Task TransferAsync(this EventSocketClient client, string uuid, string destination, string dialplan, string context, CancellationToken ct) =>
        TransferAsync(client, uuid, destination, dialplan, context, TransferLeg.Self, ct);

    /// <summary><c>uuid_transfer &lt;uuid&gt; [-bleg|-both] &lt;destination&gt; &lt;dialplan&gt; &lt;context&gt;</c>.</summary>
    public static Task TransferAsync(
        this EventSocketClient client, string uuid, string destination, string dialplan, string context, TransferLeg leg, CancellationToken ct) =>
        ExpectOkAsync(client, FormatTransfer(uuid, destination, dialplan, context, leg), ct);

    /// <summary>Moves a live call into a conference with an inline transfer:
    /// <c>uuid_transfer &lt;uuid&gt; conference:NAME@PROFILE+flags{mute|moderator},park inline</c>. Flags are joined with
    /// <c>|</c> because the inline dialplan splits at commas (verified Q5: <c>{mute,moderator}</c> loses moderator).
    /// <paramref name="thenPark"/> appends <c>,park</c> so a kick returns the caller to park instead of hanging up.</summary>
    public static Task ConferenceTransferAsync(
        this EventSocketClient client, string uuid, string conferenceName, string profile, IEnumerable<string>? memberFlags, bool thenPark, CancellationToken ct) =>
        ExpectOkAsync(client, FormatConferenceTransfer(uuid, conferenceName, profile, memberFlags, thenPark), ct);

    /// <summary><see cref="ConferenceTransferAsync(EventSocketClient, string, string, string, IEnumerable{string}?, bool, CancellationToken)"/>
    /// with profile <c>default</c>, then park.</summary>
    public static Task ConferenceTransferAsync(
        this EventSocketClient client, string uuid, string conferenceName, IEnumerable<string>? memberFlags, CancellationToken ct) =>
        ConferenceTransferAsync(client, uuid, conferenceName, "default", memberFlags, thenPark: true, ct);

    /// <summary><c>uuid_bridge &lt;a&gt; &lt;b&gt;</c> (§2.5); at least one leg must be answered.</summary>
    public static Task BridgeAsync(this EventSocketClient client, string uuidA, string uuidB, CancellationToken ct) =>
        ExpectOkAsync(client, $"uuid_bridge {Uuid(uuidA)} {Uuid(uuidB)}", ct);

    /// <summary><c>uuid_hold [off|toggle] &lt;uuid&gt;</c> (§2.6). A held leg's media bugs get no audio (verified Q6):
    /// do not hold the leg the AI listens to; play music with <see cref="BroadcastAsync"/> instead.</summary>
    public static Task HoldAsync(this EventSocketClient client, string uuid, HoldMode mode, CancellationToken ct) =>
        ExpectOkAsync(client, mode switch
        {
            HoldMode.Hold => $"uuid_hold {Uuid(uuid)}",
            HoldMode.Off => $"uuid_hold off {Uuid(uuid)}",
            HoldMode.Toggle => $"uuid_hold toggle {Uuid(uuid)}",
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        }, ct);

    /// <summary><c>uuid_break &lt;uuid&gt; [all]</c> (§2.7); <paramref name="all"/> also flushes queued playbacks (barge-in,
    /// verified Q2: silence within ~25–40 ms).</summary>
    public static Task BreakAsync(this EventSocketClient client, string uuid, bool all, CancellationToken ct) =>
        ExpectOkAsync(client, all ? $"uuid_break {Uuid(uuid)} all" : $"uuid_break {Uuid(uuid)}", ct);

    /// <summary><c>uuid_kill &lt;uuid&gt; [&lt;CAUSE&gt;]</c> (§2.8).</summary>
    public static Task KillAsync(this EventSocketClient client, string uuid, HangupCause? cause, CancellationToken ct) =>
        ExpectOkAsync(client, cause is { } c ? $"uuid_kill {Uuid(uuid)} {HangupCauses.ToName(c)}" : $"uuid_kill {Uuid(uuid)}", ct);

    /// <summary><c>uuid_broadcast &lt;uuid&gt; &lt;path&gt; aleg|bleg|both|holdb</c> (§2.9); reply <c>+OK Message sent</c>.</summary>
    public static Task BroadcastAsync(this EventSocketClient client, string uuid, string path, BroadcastLeg leg, CancellationToken ct) =>
        ExpectOkAsync(client, $"uuid_broadcast {Uuid(uuid)} {QuoteArgument(path)} {LegName(leg)}", ct);

    /// <summary><c>uuid_record &lt;uuid&gt; start &lt;path&gt; [&lt;limit&gt;]</c> (§2.10).</summary>
    public static Task RecordStartAsync(this EventSocketClient client, string uuid, string path, int? limitSeconds, CancellationToken ct)
    {
        string command = $"uuid_record {Uuid(uuid)} start {QuoteArgument(path)}";
        if (limitSeconds is int limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(limitSeconds));
            command += " " + limit.ToString(CultureInfo.InvariantCulture);
        }

        return ExpectOkAsync(client, command, ct);
    }

    /// <summary><c>uuid_record &lt;uuid&gt; stop &lt;path&gt;</c>; <paramref name="path"/> <c>all</c> stops every recording.</summary>
    public static Task RecordStopAsync(this EventSocketClient client, string uuid, string path, CancellationToken ct) =>
        ExpectOkAsync(client, $"uuid_record {Uuid(uuid)} stop {QuoteArgument(path)}", ct);

    /// <summary><c>uuid_setvar &lt;uuid&gt; &lt;name&gt; [&lt;value&gt;]</c> (§2.11); a null value unsets the variable.</summary>
    public static Task SetVarAsync(this EventSocketClient client, string uuid, string name, string? value, CancellationToken ct) =>
        ExpectOkAsync(client, FormatSetVar(uuid, name, value), ct);

    /// <summary><c>uuid_getvar &lt;uuid&gt; &lt;name&gt;</c>: the raw value, or null when unset (<c>_undef_</c>).</summary>
    public static async Task<string?> GetVarAsync(this EventSocketClient client, string uuid, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        string command = $"uuid_getvar {Uuid(uuid)} {Token(name, nameof(name))}";
        string reply = await client.ApiAsync(command, ct);
        if (reply.StartsWith("-ERR", StringComparison.Ordinal))
        {
            throw new EventSocketCommandException(command, reply);
        }

        return reply == Undefined ? null : reply;
    }

    /// <summary><c>uuid_exists &lt;uuid&gt;</c> → <c>true</c>/<c>false</c>.</summary>
    public static async Task<bool> ExistsAsync(this EventSocketClient client, string uuid, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        string command = $"uuid_exists {Uuid(uuid)}";
        string reply = (await client.ApiAsync(command, ct)).Trim();
        return reply switch
        {
            "true" => true,
            "false" => false,
            _ => throw new EventSocketCommandException(command, reply),
        };
    }

    /// <summary><c>uuid_audio_stream &lt;uuid&gt; start &lt;url&gt; mono|mixed|stereo &lt;rate&gt; [&lt;metadata&gt;]</c> (§5.2).
    /// The metadata (e.g. JSON with the call's context) is the first text frame the WebSocket server receives.</summary>
    public static Task AudioStreamStartAsync(
        this EventSocketClient client, string uuid, Uri url, AudioStreamMix mix, int sampleRate, string? metadata, CancellationToken ct) =>
        ExpectOkAsync(client, FormatAudioStreamStart(uuid, url, mix, sampleRate, metadata), ct);

    /// <summary><c>uuid_audio_stream &lt;uuid&gt; stop [&lt;text&gt;]</c>. Files of the stream that are still queued for playback
    /// are deleted by the module (verified Q3): stop only after they played.</summary>
    public static Task AudioStreamStopAsync(this EventSocketClient client, string uuid, string? text, CancellationToken ct) =>
        ExpectOkAsync(client, text is null ? $"uuid_audio_stream {Uuid(uuid)} stop" : $"uuid_audio_stream {Uuid(uuid)} stop {QuoteArgument(text)}", ct);

    /// <summary><c>uuid_audio_stream &lt;uuid&gt; send_text &lt;text&gt;</c>.</summary>
    public static Task AudioStreamSendTextAsync(this EventSocketClient client, string uuid, string text, CancellationToken ct) =>
        ExpectOkAsync(client, $"uuid_audio_stream {Uuid(uuid)} send_text {QuoteArgument(text)}", ct);

    /// <summary>Queues <c>playback &lt;file&gt;</c> with <c>sendmsg</c> and <c>event-lock: true</c>: queued files play in order
    /// with 20 ms seams and start ~40 ms after the command (verified Q2). <paramref name="eventUuid"/> comes back as
    /// <c>Application-UUID</c> on CHANNEL_EXECUTE_COMPLETE.</summary>
    public static async Task PlaybackAsync(this EventSocketClient client, string uuid, string file, string? eventUuid, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        SendMessage message = SendMessage.Execute("playback", file);
        message.EventUuid = eventUuid;
        EventSocketReply reply = await client.SendMessageAsync(Uuid(uuid), message, ct);
        if (!reply.IsOk)
        {
            throw new EventSocketCommandException($"sendmsg {uuid} playback {file}", reply.ReplyText);
        }
    }

    internal static string FormatOriginate(OriginateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.DialString);
        if (request.DialString.AsSpan().IndexOfAny(" \t\r\n'") >= 0)
        {
            throw new ArgumentException("A dial string cannot contain whitespace or quotes; put values with spaces in Variables.", nameof(request));
        }

        var variables = new List<KeyValuePair<string, string>> { new("origination_uuid", Token(request.Uuid, nameof(request))) };
        if (request.IgnoreEarlyMedia)
        {
            variables.Add(new("ignore_early_media", "true"));
        }

        if (request.TimeoutSeconds is int timeout)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeout, nameof(request));
            variables.Add(new("originate_timeout", timeout.ToString(CultureInfo.InvariantCulture)));
        }

        if (request.CallerIdName is not null)
        {
            variables.Add(new("origination_caller_id_name", request.CallerIdName));
        }

        if (request.CallerIdNumber is not null)
        {
            variables.Add(new("origination_caller_id_number", request.CallerIdNumber));
        }

        foreach (KeyValuePair<string, string> variable in request.Variables)
        {
            // A caller's own value for one of ours wins.
            variables.RemoveAll(v => v.Key == variable.Key);
            variables.Add(variable);
        }

        string destination;
        if (request.Extension is not null)
        {
            destination = $"{QuoteArgument(request.Extension)} {Token(request.Dialplan, nameof(request))} {Token(request.Context, nameof(request))}";
        }
        else
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(request.Application);
            string args = request.ApplicationArgs ?? string.Empty;
            if (args.Contains(')', StringComparison.Ordinal) || request.Application.AsSpan().IndexOfAny(" ()'") >= 0)
            {
                throw new ArgumentException("An originate application argument ends at the first ')' and cannot contain one.", nameof(request));
            }

            destination = QuoteArgument($"&{request.Application}({args})");
        }

        return $"originate {FormatVariables(variables)}{request.DialString} {destination}";
    }

    /// <summary>Renders <c>{k=v,k2=v2}</c>. When a value holds a comma the block switches its separator with
    /// <c>{^^;k=a,b;k2=c}</c> (§2.2); a value with a space is single-quoted, which the API tokenizer removes (§2.1).</summary>
    internal static string FormatVariables(IReadOnlyList<KeyValuePair<string, string>> variables)
    {
        if (variables.Count == 0)
        {
            return string.Empty;
        }

        char separator = ',';
        if (variables.Any(v => v.Value.Contains(',', StringComparison.Ordinal)))
        {
            separator = ";~#".FirstOrDefault(c => !variables.Any(v => v.Value.Contains(c, StringComparison.Ordinal)));
            if (separator == default)
            {
                throw new ArgumentException("Variable values use ',' and every alternative separator (';', '~', '#').", nameof(variables));
            }
        }

        var text = new StringBuilder("{");
        if (separator != ',')
        {
            text.Append("^^").Append(separator);
        }

        for (int i = 0; i < variables.Count; i++)
        {
            (string key, string value) = (variables[i].Key, variables[i].Value);
            if (key.Length == 0 || key.AsSpan().IndexOfAny(NotInVariableName) >= 0)
            {
                throw new ArgumentException($"'{key}' is not a valid channel variable name.", nameof(variables));
            }

            EventSocketCommandWriter.EnsureSingleLine(value, nameof(variables));
            if (value.AsSpan().IndexOfAny("{}") >= 0)
            {
                throw new ArgumentException($"The value of {key} cannot contain braces.", nameof(variables));
            }

            if (i > 0)
            {
                text.Append(separator);
            }

            text.Append(key).Append('=').Append(QuoteArgument(value, allowEmpty: true));
        }

        return text.Append('}').ToString();
    }

    internal static string FormatTransfer(string uuid, string destination, string dialplan, string context, TransferLeg leg)
    {
        string legFlag = leg switch
        {
            TransferLeg.Self => string.Empty,
            TransferLeg.BLeg => "-bleg ",
            TransferLeg.Both => "-both ",
            _ => throw new ArgumentOutOfRangeException(nameof(leg)),
        };
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        return $"uuid_transfer {Uuid(uuid)} {legFlag}{QuoteArgument(destination)} {Token(dialplan, nameof(dialplan))} {Token(context, nameof(context))}";
    }

    internal static string FormatConferenceTransfer(string uuid, string conferenceName, string profile, IEnumerable<string>? memberFlags, bool thenPark)
    {
        string name = ConferenceName(conferenceName);
        string profileName = Token(profile, nameof(profile));
        if (profileName.AsSpan().IndexOfAny(NotInProfileName) >= 0)
        {
            throw new ArgumentException($"'{profile}' is not a valid conference profile name.", nameof(profile));
        }

        var destination = new StringBuilder("conference:").Append(name).Append('@').Append(profileName);
        string[] flags = [.. memberFlags ?? []];
        if (flags.Length > 0)
        {
            foreach (string flag in flags)
            {
                if (string.IsNullOrEmpty(flag) || flag.AsSpan().IndexOfAnyExcept(MemberFlagChars) >= 0)
                {
                    throw new ArgumentException($"'{flag}' is not a conference member flag.", nameof(memberFlags));
                }
            }

            destination.Append("+flags{").AppendJoin('|', flags).Append('}');
        }

        if (thenPark)
        {
            destination.Append(",park");
        }

        return $"uuid_transfer {Uuid(uuid)} {destination} inline";
    }

    internal static string FormatSetVar(string uuid, string name, string? value) =>
        value is null
            ? $"uuid_setvar {Uuid(uuid)} {Token(name, nameof(name))}"
            : $"uuid_setvar {Uuid(uuid)} {Token(name, nameof(name))} {QuoteArgument(value, allowEmpty: true)}";

    internal static string FormatAudioStreamStart(string uuid, Uri url, AudioStreamMix mix, int sampleRate, string? metadata)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != "ws" && url.Scheme != "wss"))
        {
            throw new ArgumentException("mod_audio_stream needs a ws:// or wss:// URL.", nameof(url));
        }

        string rate = sampleRate switch
        {
            8000 => "8k",
            16000 => "16k",
            > 0 when sampleRate % 8000 == 0 => sampleRate.ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(sampleRate), "mod_audio_stream accepts 8000, 16000 or another multiple of 8000."),
        };
        string mixName = mix switch
        {
            AudioStreamMix.Mono => "mono",
            AudioStreamMix.Mixed => "mixed",
            AudioStreamMix.Stereo => "stereo",
            _ => throw new ArgumentOutOfRangeException(nameof(mix)),
        };
        string command = $"uuid_audio_stream {Uuid(uuid)} start {Token(url.AbsoluteUri, nameof(url))} {mixName} {rate}";
        if (metadata is null)
        {
            return command;
        }

        if (Encoding.UTF8.GetByteCount(metadata) > 8192)
        {
            throw new ArgumentException("mod_audio_stream metadata is limited to 8192 bytes.", nameof(metadata));
        }

        return command + " " + QuoteArgument(metadata);
    }

    /// <summary>Subscription command: names first, <c>BACKGROUND_JOB</c> added when missing, then <c>CUSTOM</c> and every
    /// subclass (a token with <c>::</c>) last, because every token after CUSTOM is read as a subclass (§1.5, verified Q8).</summary>
    internal static string FormatSubscription(IEnumerable<string> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var names = new List<string>();
        var subclasses = new List<string>();
        bool custom = false;
        foreach (string raw in events)
        {
            string name = raw?.Trim() ?? string.Empty;
            if (name.Length == 0)
            {
                continue;
            }

            if (name.AsSpan().IndexOfAny(" \t\r\n") >= 0)
            {
                throw new ArgumentException($"'{raw}' is not an event name.", nameof(events));
            }

            if (name.Equals("CUSTOM", StringComparison.OrdinalIgnoreCase))
            {
                custom = true;
            }
            else if (name.Contains("::", StringComparison.Ordinal))
            {
                if (!subclasses.Contains(name, StringComparer.Ordinal))
                {
                    subclasses.Add(name);
                }
            }
            else if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        if (!names.Contains("BACKGROUND_JOB", StringComparer.OrdinalIgnoreCase) && !names.Contains("ALL", StringComparer.OrdinalIgnoreCase))
        {
            names.Add("BACKGROUND_JOB");
        }

        var text = new StringBuilder("event json ").AppendJoin(' ', names);
        if (custom || subclasses.Count > 0)
        {
            text.Append(" CUSTOM");
            foreach (string subclass in subclasses)
            {
                text.Append(' ').Append(subclass);
            }
        }

        return text.ToString();
    }

    /// <summary>Escapes an API argument for FreeSWITCH's tokenizer (§2.1, switch_separate_string): backslash and single
    /// quote get a backslash; an argument containing a space is wrapped in single quotes (which the tokenizer removes).</summary>
    internal static string QuoteArgument(string value, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 && !allowEmpty)
        {
            throw new ArgumentException("An argument cannot be empty.", nameof(value));
        }

        EventSocketCommandWriter.EnsureSingleLine(value, nameof(value));
        bool escape = value.AsSpan().IndexOfAny("\\'") >= 0;
        bool quote = value.AsSpan().IndexOfAny(" \t") >= 0;
        if (!escape && !quote)
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8);
        if (quote)
        {
            text.Append('\'');
        }

        foreach (char c in value)
        {
            if (c is '\\' or '\'')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        if (quote)
        {
            text.Append('\'');
        }

        return text.ToString();
    }

    private static async Task ExpectOkAsync(EventSocketClient client, string command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        string reply = await client.ApiAsync(command, ct);
        if (!reply.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new EventSocketCommandException(command, reply);
        }
    }

    /// <summary>A channel UUID: one token (FreeSWITCH UUIDs never hold whitespace or quotes).</summary>
    private static string Uuid(string uuid) => Token(uuid, nameof(uuid));

    /// <summary>A plain token that must not need quoting.</summary>
    private static string Token(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (value.AsSpan().IndexOfAny(NotInToken) >= 0)
        {
            throw new ArgumentException($"'{value}' must be a single token without whitespace, quotes or backslashes.", parameterName);
        }

        return value;
    }

    private static string ConferenceName(string name)
    {
        string token = Token(name, nameof(name));
        if (token.AsSpan().IndexOfAny("+,{}|") >= 0)
        {
            throw new ArgumentException($"'{name}' is not a valid conference name.", nameof(name));
        }

        return token;
    }

    private static string LegName(BroadcastLeg leg) => leg switch
    {
        BroadcastLeg.ALeg => "aleg",
        BroadcastLeg.BLeg => "bleg",
        BroadcastLeg.Both => "both",
        BroadcastLeg.HoldB => "holdb",
        _ => throw new ArgumentOutOfRangeException(nameof(leg)),
    };
}
