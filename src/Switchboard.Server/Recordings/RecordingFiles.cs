using System.Globalization;

namespace Switchboard.Server.Recordings;

/// <summary>Where FreeSWITCH may have written a call's recording, and what it is.</summary>
public static class RecordingFiles
{
    private static readonly string[] Extensions = [".wav", ".mp3"];

    /// <summary>
    /// Candidate paths, most likely first. FusionPBX archives to
    /// <c>&lt;root&gt;/&lt;domain&gt;/archive/&lt;yyyy&gt;/&lt;Mon&gt;/&lt;dd&gt;/&lt;uuid&gt;.wav</c>, dated by
    /// <c>strftime</c> in the PBX's time zone when the call was answered: every day the start can fall on is tried.
    /// </summary>
    public static IEnumerable<string> Candidates(
        IReadOnlyList<string> roots, string? domainName, Guid tenantId, string callUuid, IReadOnlyCollection<DateOnly> days)
    {
        if (callUuid.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || callUuid.Contains("..", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (string root in roots)
        {
            foreach (string extension in Extensions)
            {
                if (!string.IsNullOrEmpty(domainName))
                {
                    foreach (DateOnly day in days)
                    {
                        yield return Path.Combine(
                            root, domainName, "archive",
                            day.ToString("yyyy", CultureInfo.InvariantCulture),
                            day.ToString("MMM", CultureInfo.InvariantCulture),
                            day.ToString("dd", CultureInfo.InvariantCulture),
                            callUuid + extension);
                    }

                    yield return Path.Combine(root, domainName, callUuid + extension);
                }

                yield return Path.Combine(root, tenantId.ToString("D", CultureInfo.InvariantCulture), callUuid + extension);
                yield return Path.Combine(root, callUuid + extension);
            }
        }
    }

    /// <summary>The days a call that started at <paramref name="startedAt"/> may be filed under: in UTC, the node's and the tenant's zone, ±1 day.</summary>
    public static IReadOnlyCollection<DateOnly> DaysAround(DateTimeOffset startedAt, TimeZoneInfo? tenantZone, TimeZoneInfo localZone)
    {
        var days = new List<DateOnly>();
        foreach (TimeZoneInfo zone in (TimeZoneInfo[])[localZone, tenantZone ?? TimeZoneInfo.Utc, TimeZoneInfo.Utc])
        {
            DateOnly day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(startedAt, zone).DateTime);
            Add(day);
        }

        foreach (DateOnly day in days.ToArray())
        {
            Add(day.AddDays(-1));
            Add(day.AddDays(1));
        }

        return days;

        void Add(DateOnly day)
        {
            if (!days.Contains(day))
            {
                days.Add(day);
            }
        }
    }

    /// <summary><c>voice/&lt;tenant&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;call&gt;.wav</c>, dated in UTC.</summary>
    public static string ObjectKey(Guid tenantId, string callUuid, DateTimeOffset startedAt, string extension)
    {
        DateTimeOffset utc = startedAt.ToUniversalTime();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"voice/{tenantId:D}/{utc:yyyy}/{utc:MM}/{utc:dd}/{callUuid}{extension}");
    }

    public static string ContentTypeOf(string pathOrKey) =>
        Path.GetExtension(pathOrKey).Equals(".mp3", StringComparison.OrdinalIgnoreCase) ? "audio/mpeg" : "audio/wav";
}
