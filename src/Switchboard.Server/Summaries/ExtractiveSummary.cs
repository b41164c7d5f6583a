using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchboard.Server.Calls;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Summaries;

/// <summary>
/// The summary made without a language model, from facts the call recorded: who called, what they wanted (the
/// destination asked for, else their first words), how it ended (transferred, ticket #N, ended) and the message
/// left. Two to four sentences in Portuguese, or English for <c>en*</c> conversations; never empty.
/// </summary>
public static class ExtractiveSummary
{
    private const int MaxQuote = 160;
    private const int MaxMessage = 300;

    public static string Build(SummaryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool pt = !input.Language.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        var text = new StringBuilder();

        string caller = Caller(input, pt);
        string? destination = AskedFor(input);
        string? firstWords = destination is null ? FirstWords(input) : null;
        text.Append(caller).Append(pt ? " ligou" : " called");
        if (destination is not null)
        {
            text.Append(pt ? " e pediu para falar com " : " and asked for ").Append(destination).Append('.');
        }
        else if (firstWords is not null)
        {
            text.Append(pt ? " e disse: “" : " and said: “").Append(firstWords).Append("”.");
        }
        else
        {
            text.Append('.');
        }

        text.Append(' ').Append(Outcome(input, pt));

        string[] messages = [.. input.Tickets.Select(ticket => ticket.Message.Trim()).Where(message => message.Length > 0).Distinct(StringComparer.Ordinal)];
        if (messages.Length > 0)
        {
            text.Append(' ').Append(pt ? "Recado: “" : "Message: “").Append(Cut(string.Join(" / ", messages), MaxMessage)).Append("”.");
        }

        return text.ToString();
    }

    private static string Caller(SummaryInput input, bool pt)
    {
        string? name = string.IsNullOrWhiteSpace(input.CallerName) ? null : input.CallerName.Trim();
        string? number = string.IsNullOrWhiteSpace(input.CallerNumber) ? null : input.CallerNumber.Trim();
        return (name, number) switch
        {
            ({ } n, { } d) when !string.Equals(n, d, StringComparison.Ordinal) => $"{n} ({d})",
            ({ } n, _) => n,
            (null, { } d) => (pt ? "O número " : "The number ") + d,
            _ => pt ? "Um chamador não identificado" : "An unidentified caller",
        };
    }

    /// <summary>The destination the caller asked for: a transfer tried, a ticket's addressee, or the transfer tool's argument.</summary>
    private static string? AskedFor(SummaryInput input)
    {
        if (input.Transfers.Count > 0)
        {
            return input.Transfers[0].DestinationName;
        }

        if (input.Tickets.FirstOrDefault(ticket => !string.IsNullOrWhiteSpace(ticket.IntendedDestination)) is { } ticket)
        {
            return ticket.IntendedDestination!.Trim();
        }

        foreach (SummaryTurn turn in input.Turns.Where(turn => turn.Speaker == ConversationSpeaker.Tool))
        {
            if (ToolArgument(turn.Text, ToolNames.TransferCall, "destination") is { } asked)
            {
                return asked;
            }
        }

        return null;
    }

    private static string? FirstWords(SummaryInput input) =>
        input.Turns
            .Where(turn => turn.Speaker == ConversationSpeaker.Caller)
            .Select(turn => turn.Text.Trim())
            .FirstOrDefault(text => text.Count(char.IsLetter) >= 3) is { } words
            ? Cut(words.TrimEnd('.', '!', '?', ' '), MaxQuote)
            : null;

    private static string Outcome(SummaryInput input, bool pt)
    {
        SummaryTransfer? success = input.Transfers.FirstOrDefault(transfer => transfer.Result == TransferAttemptResult.Success);
        if (success is not null)
        {
            return (pt ? "A ligação foi transferida para " : "The call was transferred to ") + success.DestinationName + ".";
        }

        string? failed = input.Transfers.LastOrDefault(transfer => transfer.Result is not null) is { } last
            ? (pt ? $"A transferência para {last.DestinationName} não deu certo ({Result(last.Result!.Value, pt)})" : $"The transfer to {last.DestinationName} did not go through ({Result(last.Result!.Value, pt)})")
            : null;
        if (input.Tickets.Count > 0)
        {
            string numbers = Join([.. input.Tickets.Select(ticket => "#" + ticket.Number.ToString(CultureInfo.InvariantCulture))], pt);
            string opened = input.Tickets.Count == 1
                ? (pt ? "foi aberto o ticket " : "ticket ") + numbers + (pt ? "" : " was opened")
                : (pt ? "foram abertos os tickets " : "tickets ") + numbers + (pt ? "" : " were opened");
            return failed is null ? Capitalise(opened) + "." : $"{failed}; {opened}.";
        }

        if (failed is not null)
        {
            return failed + ".";
        }

        return (input.Outcome, pt) switch
        {
            (ConversationOutcome.Transferred, true) => "A ligação foi transferida.",
            (ConversationOutcome.Transferred, false) => "The call was transferred.",
            (ConversationOutcome.Abandoned, true) => "O chamador desligou antes de ser atendido.",
            (ConversationOutcome.Abandoned, false) => "The caller hung up before being served.",
            (ConversationOutcome.Failed, true) => "A ligação terminou por uma falha técnica.",
            (ConversationOutcome.Failed, false) => "The call ended because of a technical failure.",
            (ConversationOutcome.InProgress, true) => "A ligação terminou sem registro do encerramento.",
            (ConversationOutcome.InProgress, false) => "The call ended without a recorded outcome.",
            (_, true) => "A secretária atendeu e a ligação foi encerrada.",
            (_, false) => "The secretary served the caller and the call ended.",
        };
    }

    private static string Result(TransferAttemptResult result, bool pt) => (result, pt) switch
    {
        (TransferAttemptResult.Busy, true) => "ocupado",
        (TransferAttemptResult.Busy, false) => "busy",
        (TransferAttemptResult.NoAnswer, true) => "não atendeu",
        (TransferAttemptResult.NoAnswer, false) => "no answer",
        (TransferAttemptResult.Unavailable, true) => "indisponível",
        (TransferAttemptResult.Unavailable, false) => "unavailable",
        (TransferAttemptResult.Rejected, true) => "recusou",
        (TransferAttemptResult.Rejected, false) => "declined",
        (_, true) => "falha técnica",
        _ => "technical failure",
    };

    /// <summary>A string argument of a tool turn as the recorder writes it: <c>name {json} → {result}</c>.</summary>
    internal static string? ToolArgument(string turn, string tool, string argument)
    {
        if (!turn.StartsWith(tool + " {", StringComparison.Ordinal))
        {
            return null;
        }

        int end = turn.IndexOf(" → ", StringComparison.Ordinal);
        string json = end < 0 ? turn[(tool.Length + 1)..] : turn[(tool.Length + 1)..end];
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(argument, out JsonElement value)
                && value.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()!.Trim()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Join(IReadOnlyList<string> items, bool pt) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + (pt ? " e " : " and ") + items[^1];

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Cut(string text, int length)
    {
        string flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= length ? flat : flat[..(length - 1)].TrimEnd() + "…";
    }
}
