using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.Local;

/// <summary>The call flow: greeting and menu, choice, transfer, message, goodbye. Runs on one owned task.</summary>
public sealed partial class LocalAgent
{
    private int _toolNumber;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            LocalInput? first = await NextInputAsync(CancellationToken.None, cancellationToken);
            TimeSpan spoken = TimeSpan.Zero;
            if (first is StartInput)
            {
                first = null;
                spoken = await SpeakAsync(GreetingAndMenu(), beep: false, cancellationToken);
            }

            Choice choice;
            var beforePrompt = new List<string>();
            while (true)
            {
                choice = await MenuAsync(first, spoken, cancellationToken);
                first = null;
                Log.Chose(_logger, choice.ToString());
                if (!choice.Transfer)
                {
                    break;
                }

                string name = choice.Destination!.Name;
                await SpeakAsync([LocalPhrases.Format(_phrases.Transferring, name)], beep: false, cancellationToken);
                string result = await CallToolAsync("transfer_call", Json(w =>
                {
                    w.WriteString("destination", name);
                    w.WriteString("reason", "menu");
                }), cancellationToken);
                TransferResult transfer = ReadTransferResult(result);
                if (transfer.Ok)
                {
                    await IgnoreInputsAsync(cancellationToken); // bridged: the server ends the session
                    return;
                }

                string status = transfer.Say ?? StatusLine(transfer.Status, name);
                if (transfer.Ticket is not null)
                {
                    // The destination's fallback opened the ticket already (its number is in the status): goodbye.
                    await SpeakAsync([status, _phrases.Goodbye], beep: false, cancellationToken);
                    await EmitToolCallAsync("end_call", Json(w => w.WriteString("reason", "ticket_created")), cancellationToken);
                    await IgnoreInputsAsync(cancellationToken);
                    return;
                }

                if (transfer.Fallback is "hangup" or "voicemail")
                {
                    // The call hangs up, or goes to the voicemail box, once this is said.
                    await SpeakAsync([status], beep: false, cancellationToken);
                    await IgnoreInputsAsync(cancellationToken);
                    return;
                }

                if (transfer.Fallback == "return_agent")
                {
                    // Back to the menu, after the status.
                    spoken = await SpeakAsync([status, .. MenuLines()], beep: false, cancellationToken);
                    continue;
                }

                beforePrompt.Add(status);
                choice = new Choice(choice.Destination, Transfer: false, transfer.Status);
                break;
            }

            await TakeMessageAsync(beforePrompt, choice, cancellationToken);
            await IgnoreInputsAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.FlowFailed(_logger, ex);
            _events.Writer.TryWrite(new AgentError("local_flow", ex.Message, Fatal: true));
        }
    }

    /// <summary>Waits for a choice: keys and typed requests, idle repeats, unknown answers counted.</summary>
    private async Task<Choice> MenuAsync(LocalInput? pending, TimeSpan spoken, CancellationToken cancellationToken)
    {
        int failures = 0;
        bool repeatedForIdle = false;
        while (true)
        {
            LocalInput? input = pending;
            pending = null;
            if (input is null)
            {
                using var idle = new CancellationTokenSource(_options.IdleTimeout + spoken, _time);
                input = await NextInputAsync(idle.Token, cancellationToken);
            }

            Choice? choice = null;
            switch (input)
            {
                case null:
                    if (repeatedForIdle)
                    {
                        return new Choice(null, Transfer: false, "no_input");
                    }

                    repeatedForIdle = true;
                    spoken = await SpeakAsync(MenuLines(), beep: false, cancellationToken);
                    continue;
                case StartInput:
                    spoken = await SpeakAsync(GreetingAndMenu(), beep: false, cancellationToken);
                    continue;
                case DigitInput d:
                    choice = ChoiceFor(d.Digit);
                    break;
                case TextInput { Text.Length: 0 }:
                    continue;
                case TextInput t when t.Text.Length == 1 && ChoiceFor(t.Text[0]) is { } keyed:
                    choice = keyed;
                    break;
                case TextInput t:
                    MenuChoice understood = _matcher.Match(t.Text);
                    if (understood.Message)
                    {
                        choice = new Choice(understood.Entry, Transfer: false, "caller_choice");
                    }
                    else if (understood.Entry is not null)
                    {
                        choice = new Choice(understood.Entry, Transfer: true, "menu");
                    }

                    break;
                default:
                    continue; // a late tool result or recording event: nothing to choose
            }

            if (choice is { } chosen)
            {
                return chosen;
            }

            repeatedForIdle = false;
            if (++failures >= _options.MaxMenuAttempts)
            {
                await SpeakAsync([_phrases.NotUnderstood], beep: false, cancellationToken);
                return new Choice(null, Transfer: false, "not_understood");
            }

            spoken = await SpeakAsync([_phrases.NotUnderstood, .. MenuLines()], beep: false, cancellationToken);
        }
    }

    private Choice? ChoiceFor(char key)
    {
        if (key == _script.MessageDigit)
        {
            return new Choice(null, Transfer: false, "caller_choice");
        }

        foreach (LocalMenuEntry entry in _script.Menu)
        {
            if (entry.Digit == key)
            {
                return new Choice(entry, Transfer: true, "menu");
            }
        }

        return null;
    }

    /// <summary>Prompt and beep, record until '#', silence after speech, typed text or the time limit; then <c>take_message</c>.</summary>
    private async Task TakeMessageAsync(List<string> beforePrompt, Choice choice, CancellationToken cancellationToken)
    {
        TimeSpan spoken = await SpeakAsync([.. beforePrompt, _phrases.MessagePrompt], beep: true, cancellationToken);
        lock (_audioLock)
        {
            _recording = true; // counted from when the caller has heard the beep (the media clock passes the playback end)
            _recordedSamples = 0;
            _recordHeardSpeech = false;
            _recordSilentSamples = 0;
        }

        string message = "";
        string reason;
        long recorded;
        try
        {
            using var limit = new CancellationTokenSource(_options.MessageMaxDuration + spoken, _time);
            while (true)
            {
                LocalInput? input = await NextInputAsync(limit.Token, cancellationToken);
                if (input is null)
                {
                    reason = "max_duration";
                    break;
                }

                if (input is DigitInput { Digit: '#' })
                {
                    reason = "key";
                    break;
                }

                if (input is TextInput { Text.Length: > 0 } typed)
                {
                    message = typed.Text;
                    reason = "typed";
                    break;
                }

                if (input is RecordingStopped stopped)
                {
                    reason = stopped.Reason;
                    break;
                }
            }
        }
        finally
        {
            lock (_audioLock)
            {
                _recording = false;
                recorded = _recordedSamples;
            }
        }

        double seconds = Math.Round((double)recorded / _sampleRate, 1);
        Log.RecordingEnded(_logger, reason, seconds);
        await SpeakAsync([_phrases.OneMoment], beep: false, cancellationToken);
        string result = await CallToolAsync("take_message", Json(w =>
        {
            w.WriteString("message", message);
            w.WriteNumber("audio_seconds", seconds);
            if (choice.Destination is { } destination)
            {
                w.WriteString("destination", destination.Name);
            }
            else
            {
                w.WriteNull("destination");
            }

            w.WriteString("reason", choice.Reason);
        }), cancellationToken);

        (bool ok, string? ticket) = ReadMessageResult(result);
        string confirmation = !ok ? _phrases.MessageFailed
            : ticket is null ? _phrases.MessageTakenWithoutNumber
            : LocalPhrases.Format(_phrases.MessageTaken, ticket);
        await SpeakAsync([confirmation, _phrases.Goodbye], beep: false, cancellationToken);
        await EmitToolCallAsync("end_call", Json(w => w.WriteString("reason", ok ? "message_taken" : "message_failed")), cancellationToken);
    }

    private async Task<string> CallToolAsync(string name, string argumentsJson, CancellationToken cancellationToken)
    {
        string callId = await EmitToolCallAsync(name, argumentsJson, cancellationToken);
        while (true)
        {
            LocalInput? input = await NextInputAsync(CancellationToken.None, cancellationToken);
            if (input is ToolResultInput result)
            {
                if (result.CallId == callId)
                {
                    return result.Json;
                }

                Log.ToolResultIgnored(_logger, result.CallId);
            }
        }
    }

    private async Task<string> EmitToolCallAsync(string name, string argumentsJson, CancellationToken cancellationToken)
    {
        string callId = "local_call_" + (++_toolNumber).ToString(CultureInfo.InvariantCulture);
        await _events.Writer.WriteAsync(new ToolCallRequested(callId, name, argumentsJson), cancellationToken);
        return callId;
    }

    /// <summary>After the flow: keeps reading input (so typed text and keys still appear in the transcript) until the session ends.</summary>
    private async Task IgnoreInputsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            LocalInput? input = await NextInputAsync(CancellationToken.None, cancellationToken);
            if (input is ToolResultInput result)
            {
                Log.ToolResultIgnored(_logger, result.CallId);
            }
        }
    }

    /// <summary>The next input, with its caller transcript; null when <paramref name="deadline"/> passes first.</summary>
    private async Task<LocalInput?> NextInputAsync(CancellationToken deadline, CancellationToken cancellationToken)
    {
        LocalInput input;
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(deadline, cancellationToken))
        {
            try
            {
                input = await _inputs.Reader.ReadAsync(either.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        string? said = input switch
        {
            DigitInput d => "[DTMF " + d.Digit + "]",
            TextInput t => t.Text,
            _ => null,
        };
        if (said is not null)
        {
            await _events.Writer.WriteAsync(new Transcript(TranscriptSpeaker.Caller, said, true), cancellationToken);
        }

        return input;
    }

    private List<string> GreetingAndMenu()
    {
        string greeting = _script.Greeting
            ?? (string.IsNullOrWhiteSpace(_script.CompanyName)
                ? _phrases.GreetingWithoutCompany
                : LocalPhrases.Format(_phrases.Greeting, _script.CompanyName));
        return [greeting, .. MenuLines()];
    }

    private List<string> MenuLines()
    {
        var lines = new List<string>(_script.Menu.Count + 1);
        foreach (LocalMenuEntry entry in _script.Menu)
        {
            lines.Add(LocalPhrases.Format(_phrases.MenuLine, entry.Name, entry.Digit));
        }

        lines.Add(LocalPhrases.Format(_phrases.MessageOption, _script.MessageDigit));
        return lines;
    }

    private string StatusLine(string status, string destination) => LocalPhrases.Format(
        status switch
        {
            "busy" => _phrases.Busy,
            "no_answer" => _phrases.NoAnswer,
            _ => _phrases.Unavailable,
        },
        destination);

    private TransferResult ReadTransferResult(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            bool ok = root.TryGetProperty("ok", out JsonElement okValue) && okValue.ValueKind == JsonValueKind.True;
            string status = root.TryGetProperty("status", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "unavailable";
            string? say = root.TryGetProperty("say", out JsonElement t) && t.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(t.GetString())
                ? t.GetString()
                : null;
            string? fallback = root.TryGetProperty("fallback", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            string? ticket = root.TryGetProperty("ticket_number", out JsonElement n) && n.ValueKind is JsonValueKind.Number or JsonValueKind.String
                ? (n.ValueKind == JsonValueKind.Number ? n.GetRawText() : n.GetString())
                : null;
            return new TransferResult(ok, status, say, fallback, ticket);
        }
        catch (JsonException)
        {
            Log.BadToolResult(_logger, "transfer_call", json);
            return new TransferResult(false, "unavailable", null, null, null);
        }
    }

    private (bool Ok, string? Ticket) ReadMessageResult(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            bool ok = root.TryGetProperty("ok", out JsonElement okValue) && okValue.ValueKind == JsonValueKind.True;
            string? ticket = root.TryGetProperty("ticket_number", out JsonElement n) ? n.ValueKind switch
            {
                JsonValueKind.Number => n.GetRawText(),
                JsonValueKind.String when !string.IsNullOrWhiteSpace(n.GetString()) => n.GetString(),
                _ => null,
            } : null;
            return (ok, ticket);
        }
        catch (JsonException)
        {
            Log.BadToolResult(_logger, "take_message", json);
            return (false, null);
        }
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>What the caller chose: a transfer to <paramref name="Destination"/>, or a message (for it, when not null).</summary>
    private readonly record struct Choice(LocalMenuEntry? Destination, bool Transfer, string Reason);

    private readonly record struct TransferResult(bool Ok, string Status, string? Say, string? Fallback, string? Ticket);
}
