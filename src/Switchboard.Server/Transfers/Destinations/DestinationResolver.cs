using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// Finds the destination a caller means. Matches names (and each part of "Jeni - Financeiro"), aliases,
/// departments, roles and numbers, folding case and accents and forgiving misspellings (Damerau-Levenshtein
/// scaled by word length; a name that starts a longer word, "jeni" in "jeniffer"). The destination covering most
/// of the caller's words wins, then the closest spelling, then one whose whole name or alias was said; a tie goes
/// to the lower priority number, and a tie on priority too is <see cref="DestinationResolution.Ambiguous"/>.
/// Disabled destinations never match. Working hours are checked in the tenant's time zone. Pure: no I/O.
/// </summary>
public static class DestinationResolver
{
    // Filler around a destination in what callers say (pt, en, es), folded.
    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "quero", "queria", "gostaria", "preciso", "falar", "fala", "com", "a", "o", "as", "os", "um", "uma", "do", "da", "dos", "das",
        "de", "para", "pra", "pro", "por", "favor", "me", "eu", "voce", "transfere", "transferir", "transfira", "passa", "passar",
        "ligar", "liga", "senhor", "senhora", "sr", "sra", "dona", "seu", "sua", "na", "e", "ou", "meu", "minha", "setor",
        "departamento", "ramal", "area", "pode", "poderia", "ser", "ai", "oi", "ola",
        "i", "want", "would", "like", "to", "speak", "talk", "with", "the", "an", "please", "transfer", "put", "through",
        "connect", "can", "could", "you", "mr", "mrs", "ms", "department", "extension", "of", "from", "in", "need", "my", "is", "hi", "hello",
        "quiero", "quisiera", "hablar", "con", "el", "la", "los", "las", "un", "una", "del", "necesito", "mi", "yo", "senor", "senora",
        "pase", "transfiera", "puede", "hola",
    };

    // "I just want someone": routed to the tenant's default destination.
    private static readonly HashSet<string> Anyone = new(StringComparer.Ordinal)
    {
        "alguem", "qualquer", "pessoa", "humano", "atendente", "operador", "operadora", "recepcao", "recepcionista",
        "someone", "somebody", "anyone", "anybody", "person", "human", "operator", "attendant", "agent", "representative", "receptionist",
        "alguien", "cualquiera", "cualquier", "persona", "agente", "representante",
    };

    /// <summary>
    /// Resolves what the agent passed to <c>transfer_call(destination: ...)</c>: a name, alias, department, role or
    /// number. Empty text or only "anyone" words give the default destination.
    /// </summary>
    public static DestinationResolution Resolve(string? text, IEnumerable<TransferDestination> destinations, TimeZoneInfo timeZone, DateTimeOffset now) =>
        Run(text, destinations, timeZone, now, utterance: false);

    /// <inheritdoc cref="Resolve(string?, IEnumerable{TransferDestination}, TimeZoneInfo, DateTimeOffset)"/>
    public static DestinationResolution Resolve(string? text, IEnumerable<TransferDestination> destinations, string? timeZoneId, DateTimeOffset now) =>
        Run(text, destinations, FindTimeZone(timeZoneId), now, utterance: false);

    /// <summary>
    /// Seed 1's keyword fallback: scans a whole caller utterance ("minha internet caiu", "quero falar com a Jeni")
    /// when the model did not call <c>transfer_call</c>. Stricter about misspellings than <see cref="Resolve(string?, IEnumerable{TransferDestination}, TimeZoneInfo, DateTimeOffset)"/>
    /// (one edit, words of five letters or more), and an utterance with no destination and no "anyone" word is
    /// <see cref="DestinationResolution.NotFound"/>.
    /// </summary>
    public static DestinationResolution ResolveFromUtterance(string? utterance, IEnumerable<TransferDestination> destinations, TimeZoneInfo timeZone, DateTimeOffset now) =>
        Run(utterance, destinations, timeZone, now, utterance: true);

    /// <inheritdoc cref="ResolveFromUtterance(string?, IEnumerable{TransferDestination}, TimeZoneInfo, DateTimeOffset)"/>
    public static DestinationResolution ResolveFromUtterance(string? utterance, IEnumerable<TransferDestination> destinations, string? timeZoneId, DateTimeOffset now) =>
        Run(utterance, destinations, FindTimeZone(timeZoneId), now, utterance: true);

    /// <summary>The IANA zone, else <see cref="Tenant.DefaultTimeZone"/>, else UTC.</summary>
    public static TimeZoneInfo FindTimeZone(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out TimeZoneInfo? zone) ? zone
        : TimeZoneInfo.TryFindSystemTimeZoneById(Tenant.DefaultTimeZone, out TimeZoneInfo? fallback) ? fallback
        : TimeZoneInfo.Utc;

    /// <summary>Whether the destination takes calls at <paramref name="now"/> (no working hours: always).</summary>
    public static bool IsOpen(TransferDestination destination, TimeZoneInfo timeZone, DateTimeOffset now) =>
        destination.WorkingHours is not { } hours || hours.IsOpenAt(TimeZoneInfo.ConvertTime(now, timeZone).DateTime);

    /// <summary>When the destination next opens (<paramref name="now"/> if open; null if its hours name no day).</summary>
    public static DateTimeOffset? NextOpening(TransferDestination destination, TimeZoneInfo timeZone, DateTimeOffset now)
    {
        if (destination.WorkingHours is not { } hours)
        {
            return now;
        }

        DateTime local = TimeZoneInfo.ConvertTime(now, timeZone).DateTime;
        if (hours.NextOpening(local) is not { } opening)
        {
            return null;
        }

        if (opening == local)
        {
            return now;
        }

        // A wall-clock time skipped by a daylight-saving jump opens at the first valid minute after it.
        while (timeZone.IsInvalidTime(opening))
        {
            opening = opening.AddMinutes(1);
        }

        return new DateTimeOffset(opening, timeZone.GetUtcOffset(opening));
    }

    private static DestinationResolution Run(string? text, IEnumerable<TransferDestination> destinations, TimeZoneInfo timeZone, DateTimeOffset now, bool utterance)
    {
        List<TransferDestination> enabled = [.. destinations.Where(d => d.Enabled)];
        string[] words = [.. TextFolding.Words(text).Where(word => !Filler.Contains(word))];
        string[] specific = [.. words.Where(word => !Anyone.Contains(word))];
        bool anyone = specific.Length < words.Length;
        TransferDestination? fallback = enabled.Where(d => d.IsDefault).OrderBy(d => d.Priority).ThenBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault();

        if (words.Length == 0)
        {
            return !utterance && fallback is not null ? Default(fallback, timeZone, now) : DestinationResolution.NotFound.Instance;
        }

        if (Best(specific, enabled, utterance) is { } best)
        {
            return best;
        }

        if (anyone)
        {
            if (fallback is not null)
            {
                return Default(fallback, timeZone, now);
            }

            // No default: "atendente" may still name someone's role.
            if (Best(words, enabled, utterance) is { } byRole)
            {
                return byRole;
            }
        }

        return DestinationResolution.NotFound.Instance;

        DestinationResolution? Best(string[] query, List<TransferDestination> candidates, bool strict)
        {
            if (query.Length == 0)
            {
                return null;
            }

            List<(TransferDestination Destination, Score Score)> scored = [.. candidates
                .Select(d => (Destination: d, Score: ScoreOf(query, d, strict)))
                .Where(s => s.Score.Covered > 0)];
            if (scored.Count == 0)
            {
                return null;
            }

            long top = scored.Max(s => s.Score.Rank);
            List<TransferDestination> tied = [.. scored.Where(s => s.Score.Rank == top)
                .Select(s => s.Destination)
                .OrderBy(d => d.Priority)
                .ThenBy(d => d.Name, StringComparer.Ordinal)];
            if (tied.Count > 1 && tied[1].Priority == tied[0].Priority)
            {
                return new DestinationResolution.Ambiguous([.. tied.Where(d => d.Priority == tied[0].Priority)]);
            }

            TransferDestination winner = tied[0];
            return IsOpen(winner, timeZone, now)
                ? new DestinationResolution.Match(winner)
                : new DestinationResolution.OutsideHours(winner, NextOpening(winner, timeZone, now));
        }
    }

    private static DestinationResolution Default(TransferDestination destination, TimeZoneInfo timeZone, DateTimeOffset now) =>
        IsOpen(destination, timeZone, now)
            ? new DestinationResolution.Default(destination)
            : new DestinationResolution.OutsideHours(destination, NextOpening(destination, timeZone, now));

    private static Score ScoreOf(string[] query, TransferDestination destination, bool strict)
    {
        int[] best = new int[query.Length];
        Array.Fill(best, int.MaxValue);
        bool whole = false;
        foreach (string[] key in Keys(destination))
        {
            bool all = true;
            foreach (string keyWord in key)
            {
                bool found = false;
                for (int i = 0; i < query.Length; i++)
                {
                    int distance = WordDistance(query[i], keyWord, strict);
                    if (distance >= 0)
                    {
                        best[i] = Math.Min(best[i], distance);
                        found = true;
                    }
                }

                all &= found;
            }

            whole |= all;
        }

        int covered = best.Count(d => d != int.MaxValue);
        int total = best.Where(d => d != int.MaxValue).Sum();
        return new Score(covered, total, whole);
    }

    private static IEnumerable<string[]> Keys(TransferDestination destination)
    {
        IEnumerable<string?> texts = [
            destination.Name,
            .. destination.Name.Split(" - ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            .. destination.Aliases,
            destination.Department,
            destination.Role,
            destination.DestinationNumber,
        ];
        foreach (string? text in texts)
        {
            string[] words = [.. TextFolding.Words(text).Where(word => word.Length > 1 && !Filler.Contains(word))];
            if (words.Length > 0)
            {
                yield return words;
            }
        }
    }

    /// <summary>Edits between a caller's word and a key word, or -1 when they are not the same word.</summary>
    private static int WordDistance(string said, string key, bool strict)
    {
        if (said == key)
        {
            return 0;
        }

        int shorter = Math.Min(said.Length, key.Length);
        if (said.All(char.IsAsciiDigit) || key.All(char.IsAsciiDigit))
        {
            return -1;
        }

        // A short name that starts a longer spoken word: "jeni" in "jeniffer".
        if (shorter >= 4 && shorter * 2 >= Math.Max(said.Length, key.Length)
            && (said.StartsWith(key, StringComparison.Ordinal) || key.StartsWith(said, StringComparison.Ordinal)))
        {
            return 1;
        }

        int allowed = strict
            ? (shorter >= 5 ? 1 : 0)
            : shorter switch { <= 3 => 0, <= 6 => 1, _ => 2 };
        if (allowed == 0)
        {
            return -1;
        }

        int edits = TextFolding.Distance(said, key, allowed);
        return edits <= allowed ? edits : -1;
    }

    private readonly record struct Score(int Covered, int Edits, bool Whole)
    {
        /// <summary>Higher is better: more words covered, then fewer edits, then a whole key said.</summary>
        public long Rank => (Covered * 1_000_000L) - (Edits * 2L) + (Whole ? 1 : 0);
    }
}
