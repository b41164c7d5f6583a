using System.Text.Json.Serialization;

namespace Switchboard.Server.Transfers;

/// <summary>
/// When a destination takes calls, in the tenant's time zone. Stored as seed 1's JSON:
/// <c>{"start":"08:00","end":"18:00","days":[1,2,3,4,5]}</c>, days numbered as <see cref="DayOfWeek"/> (0 = Sunday).
/// Further spans with other hours ("sat 08:00-12:00") go in <see cref="More"/>, written only when present, so a
/// single span stays seed 1's JSON. A span whose end is before its start runs past midnight (22:00-06:00 belongs to
/// the day it starts); an end of 23:59 runs to midnight.
/// </summary>
public sealed record WorkingHours
{
    [JsonConverter(typeof(HourMinuteJsonConverter))]
    public TimeOnly Start { get; init; } = new(8, 0);

    [JsonConverter(typeof(HourMinuteJsonConverter))]
    public TimeOnly End { get; init; } = new(18, 0);

    public IReadOnlyList<DayOfWeek> Days { get; init; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Spans after the first one; null when there is only the first.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WorkingHoursSpan>? More { get; init; }

    /// <summary>Every span, the first (<see cref="Start"/>, <see cref="End"/>, <see cref="Days"/>) included.</summary>
    [JsonIgnore]
    public IEnumerable<WorkingHoursSpan> Spans =>
        More is null ? [new WorkingHoursSpan { Start = Start, End = End, Days = Days }] : [new WorkingHoursSpan { Start = Start, End = End, Days = Days }, .. More];

    /// <summary>Whether <paramref name="localTime"/> (a wall-clock time in the tenant's time zone) is within the hours.</summary>
    public bool IsOpenAt(DateTime localTime) => Spans.Any(span => span.Contains(localTime));

    /// <summary>
    /// The first wall-clock time at or after <paramref name="localTime"/> when the hours are open (itself when open);
    /// null when no span has a day.
    /// </summary>
    public DateTime? NextOpening(DateTime localTime)
    {
        if (IsOpenAt(localTime))
        {
            return localTime;
        }

        DateTime? next = null;
        foreach (WorkingHoursSpan span in Spans)
        {
            for (int day = 0; day <= 7; day++)
            {
                DateTime date = localTime.Date.AddDays(day);
                DateTime opening = date + span.Start.ToTimeSpan();
                if (opening > localTime && span.Days.Contains(date.DayOfWeek) && (next is null || opening < next))
                {
                    next = opening;
                    break;
                }
            }
        }

        return next;
    }

    public bool Equals(WorkingHours? other) =>
        other is not null && Start == other.Start && End == other.End && Days.SequenceEqual(other.Days)
        && (More ?? []).SequenceEqual(other.More ?? []);

    public override int GetHashCode() => HashCode.Combine(Start, End, Days.Count, More?.Count ?? 0);
}

/// <summary>One span of <see cref="WorkingHours"/>: the same hours on some days.</summary>
public sealed record WorkingHoursSpan
{
    /// <summary>23:59 as an end means "until midnight" (seed 1 writes 00:00-23:59 for all day).</summary>
    public static readonly TimeOnly EndOfDay = new(23, 59);

    [JsonConverter(typeof(HourMinuteJsonConverter))]
    public TimeOnly Start { get; init; }

    [JsonConverter(typeof(HourMinuteJsonConverter))]
    public TimeOnly End { get; init; }

    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];

    /// <summary>Runs past midnight into the next day.</summary>
    [JsonIgnore]
    public bool Overnight => End < Start;

    public bool Contains(DateTime localTime)
    {
        TimeOnly time = TimeOnly.FromDateTime(localTime);
        if (Overnight)
        {
            return (Days.Contains(localTime.DayOfWeek) && time >= Start)
                || (Days.Contains(localTime.AddDays(-1).DayOfWeek) && time < End);
        }

        return Days.Contains(localTime.DayOfWeek) && time >= Start && (time < End || End == EndOfDay);
    }

    public bool Equals(WorkingHoursSpan? other) =>
        other is not null && Start == other.Start && End == other.End && Days.SequenceEqual(other.Days);

    public override int GetHashCode() => HashCode.Combine(Start, End, Days.Count);
}
