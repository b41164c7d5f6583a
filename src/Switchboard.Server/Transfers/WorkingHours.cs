using System.Text.Json.Serialization;

namespace Switchboard.Server.Transfers;

/// <summary>
/// When a destination takes calls, in the tenant's time zone. Stored as seed 1's JSON:
/// <c>{"start":"08:00","end":"18:00","days":[1,2,3,4,5]}</c>, days numbered as <see cref="DayOfWeek"/> (0 = Sunday).
/// </summary>
public sealed record WorkingHours
{
    [JsonConverter(typeof(HourMinuteJsonConverter))]
    public TimeOnly Start { get; init; } = new(8, 0);

    [JsonConverter(typeof(HourMinuteJsonConverter))]
    public TimeOnly End { get; init; } = new(18, 0);

    public IReadOnlyList<DayOfWeek> Days { get; init; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public bool Equals(WorkingHours? other) =>
        other is not null && Start == other.Start && End == other.End && Days.SequenceEqual(other.Days);

    public override int GetHashCode() => HashCode.Combine(Start, End, Days.Count);
}
