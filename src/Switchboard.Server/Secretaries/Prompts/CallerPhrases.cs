using System.Globalization;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Secretaries.Prompts;

/// <summary>
/// What the secretary says to callers outside the model's own words: greeting, "one moment" while switching
/// provider, goodbye, transfer announcements and the status of each transfer result (seed 1's
/// <c>get_status_message</c>), fallbacks, message taking. pt-BR (default), en-US and es; any other language gets
/// pt-BR. Destinations are named by their short name ("Jeni - Financeiro" → "Jeni").
/// </summary>
public sealed partial class CallerPhrases
{
    public const string DefaultLanguage = "pt-BR";

    private readonly Table _table;

    private CallerPhrases(Table table)
    {
        _table = table;
    }

    /// <summary>BCP 47 tag of these phrases: "pt-BR", "en-US" or "es".</summary>
    public string Language => _table.Language;

    /// <summary>By language tag or prefix ("en", "en-GB", "es-MX", "pt_PT"); unknown or empty: pt-BR.</summary>
    public static CallerPhrases For(string? language)
    {
        string prefix = (language ?? "").Trim().Split('-', '_')[0].ToLowerInvariant();
        return prefix switch
        {
            "en" => EnglishUs,
            "es" => Spanish,
            _ => PortugueseBrazil,
        };
    }

    /// <summary>"Jeni - Financeiro" → "Jeni", as seed 1 names destinations to callers.</summary>
    public static string ShortName(TransferDestination destination) => ShortName(destination.Name);

    /// <inheritdoc cref="ShortName(TransferDestination)"/>
    public static string ShortName(string name) => name.Split(" - ")[0].Trim();

    /// <summary>Greeting for a secretary without one of its own.</summary>
    public string DefaultGreeting(string companyName) =>
        string.IsNullOrWhiteSpace(companyName) ? _table.GreetingNoCompany : Fill(_table.Greeting, companyName.Trim());

    /// <summary>Said while the call switches to another provider or mode.</summary>
    public string OneMoment => _table.OneMoment;

    public string Goodbye => _table.Goodbye;

    /// <summary>Said while the caller's silence lasts, before the call ends.</summary>
    public string StillThere => _table.StillThere;

    /// <summary>"Vou transferir você para Jeni do Financeiro. Um momento..."</summary>
    public string TransferAnnouncement(TransferDestination destination) =>
        string.IsNullOrWhiteSpace(destination.Department)
            ? Fill(_table.Transferring, ShortName(destination))
            : Fill(_table.TransferringWithDepartment, ShortName(destination), destination.Department.Trim());

    /// <summary>The status the caller hears after a transfer attempt ended with <paramref name="result"/>.</summary>
    public string TransferResult(TransferAttemptResult result, TransferDestination destination) => TransferResult(result, ShortName(destination));

    /// <inheritdoc cref="TransferResult(TransferAttemptResult, TransferDestination)"/>
    public string TransferResult(TransferAttemptResult result, string name) => result switch
    {
        TransferAttemptResult.Success => Fill(_table.Success, name),
        TransferAttemptResult.Busy => Fill(_table.Busy, name),
        TransferAttemptResult.NoAnswer => Fill(_table.NoAnswer, name),
        TransferAttemptResult.Unavailable => Fill(_table.Unavailable, name),
        TransferAttemptResult.Rejected => Fill(_table.Rejected, name),
        _ => _table.Failed,
    };

    /// <summary>
    /// The destination does not take calls now; with <paramref name="nextOpening"/> (wall-clock, tenant's zone) and
    /// <paramref name="now"/> (same zone) it says when it does: "hoje às 14:00", "amanhã às 08:00", "na segunda-feira às 08:00".
    /// </summary>
    public string OutsideHours(TransferDestination destination, DateTime? nextOpening = null, DateTime? now = null)
    {
        string name = ShortName(destination);
        if (nextOpening is not { } opening)
        {
            return Fill(_table.OutsideHours, name);
        }

        int days = now is { } today ? (opening.Date - today.Date).Days : int.MaxValue;
        string time = _table.Time(opening);
        string when = days switch
        {
            0 => Fill(_table.Today, time),
            1 => Fill(_table.Tomorrow, time),
            _ => Fill(_table.OnDay, _table.DayNames[(int)opening.DayOfWeek], time),
        };
        return Fill(_table.OutsideHoursUntil, name, when);
    }

    /// <summary>
    /// What to tell the caller about a <see cref="DestinationResolution"/>: the transfer announcement (match or
    /// default), the question back (ambiguous), when the destination opens (outside hours, in
    /// <paramref name="timeZone"/>), or that no such contact exists.
    /// </summary>
    public string ForResolution(DestinationResolution resolution, TimeZoneInfo timeZone, DateTimeOffset now) => resolution switch
    {
        DestinationResolution.Match match => TransferAnnouncement(match.Destination),
        DestinationResolution.Default fallback => TransferAnnouncement(fallback.Destination),
        DestinationResolution.Ambiguous ambiguous => WhichOne(ambiguous.Candidates),
        DestinationResolution.OutsideHours outside => OutsideHours(
            outside.Destination,
            outside.NextOpening is { } opening ? TimeZoneInfo.ConvertTime(opening, timeZone).DateTime : null,
            TimeZoneInfo.ConvertTime(now, timeZone).DateTime),
        _ => DestinationNotFound,
    };

    /// <summary>
    /// The status for a seed word: success, busy, no_answer, unavailable, rejected, failed or outside_hours
    /// (anything else: failed).
    /// </summary>
    public string Status(string status, TransferDestination destination) => status switch
    {
        "outside_hours" => OutsideHours(destination),
        "success" => TransferResult(TransferAttemptResult.Success, destination),
        "busy" => TransferResult(TransferAttemptResult.Busy, destination),
        "no_answer" => TransferResult(TransferAttemptResult.NoAnswer, destination),
        "unavailable" => TransferResult(TransferAttemptResult.Unavailable, destination),
        "rejected" => TransferResult(TransferAttemptResult.Rejected, destination),
        _ => _table.Failed,
    };

    /// <summary>What follows a failed transfer, by the destination's fallback (seed 1's <c>get_fallback_message</c>).</summary>
    public string Fallback(TransferFallbackAction action) => action switch
    {
        TransferFallbackAction.OfferTicket => _table.OfferMessage,
        TransferFallbackAction.CreateTicket => _table.TicketCreated,
        TransferFallbackAction.Voicemail => _table.ToVoicemail,
        TransferFallbackAction.Hangup => _table.Goodbye,
        _ => _table.AnythingElse,
    };

    /// <summary>"Gostaria de deixar um recado?..."</summary>
    public string OfferMessage => _table.OfferMessage;

    public string AskName => _table.AskName;

    public string AskCallbackNumber => _table.AskCallbackNumber;

    public string AskMessage => _table.AskMessage;

    /// <summary>The message is recorded under ticket <paramref name="ticketNumber"/>.</summary>
    public string MessageConfirmation(string ticketNumber) => Fill(_table.MessageRecorded, ticketNumber);

    public string AnythingElse => _table.AnythingElse;

    /// <summary>Spoken to the human of an announced transfer when no AI voice can: who, for whom, why, and the keys.</summary>
    public string Announcement(string caller, string destination, string reason) => Fill(_table.Announcement, caller, destination, reason);

    /// <summary>Instructions of the AI session that announces a call to the human (seed 2).</summary>
    public string AnnouncerInstructions(string facts) => Fill(_table.AnnouncerInstructions, facts);

    /// <summary>No destination matched (seed 1: offer the general line).</summary>
    public string DestinationNotFound => _table.NotFound;

    /// <summary>Several destinations matched: "Você quer falar com Ana Souza ou Ana Lima?"</summary>
    public string WhichOne(IEnumerable<TransferDestination> candidates)
    {
        string[] names = [.. candidates.Select(ShortName).Distinct(StringComparer.Ordinal)];
        string list = names.Length switch
        {
            0 => "",
            1 => names[0],
            _ => string.Join(", ", names[..^1]) + " " + _table.Or + " " + names[^1],
        };
        return Fill(_table.WhichOne, list);
    }

    private static string Fill(string template, params string[] values) =>
        string.Format(CultureInfo.InvariantCulture, template, values);

    private sealed record Table
    {
        public required string Language { get; init; }

        public required string Greeting { get; init; }

        public required string GreetingNoCompany { get; init; }

        public required string OneMoment { get; init; }

        public required string Goodbye { get; init; }

        public required string StillThere { get; init; }

        public required string Transferring { get; init; }

        public required string TransferringWithDepartment { get; init; }

        public required string Success { get; init; }

        public required string Busy { get; init; }

        public required string NoAnswer { get; init; }

        public required string Unavailable { get; init; }

        public required string Rejected { get; init; }

        public required string Failed { get; init; }

        public required string OutsideHours { get; init; }

        public required string OutsideHoursUntil { get; init; }

        public required string Today { get; init; }

        public required string Tomorrow { get; init; }

        public required string OnDay { get; init; }

        /// <summary>By <see cref="DayOfWeek"/>, Sunday first.</summary>
        public required string[] DayNames { get; init; }

        public required Func<DateTime, string> Time { get; init; }

        public required string OfferMessage { get; init; }

        public required string TicketCreated { get; init; }

        public required string ToVoicemail { get; init; }

        public required string AnythingElse { get; init; }

        public required string Announcement { get; init; }

        public required string AnnouncerInstructions { get; init; }

        public required string AskName { get; init; }

        public required string AskCallbackNumber { get; init; }

        public required string AskMessage { get; init; }

        public required string MessageRecorded { get; init; }

        public required string NotFound { get; init; }

        public required string WhichOne { get; init; }

        public required string Or { get; init; }
    }
}
