using System.Text.Json;
using Switchboard.Server.Data;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

public sealed class WorkingHoursTextTests
{
    private static readonly DayOfWeek[] MondayToFriday = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    [Fact]
    public void Reads_spans_of_days_and_hours_separated_by_semicolons()
    {
        Assert.True(WorkingHoursText.TryParse("mon-fri 08:00-18:00; sat 08:00-12:00", out WorkingHours? hours, out string? error), error);

        Assert.Equal(new TimeOnly(8, 0), hours!.Start);
        Assert.Equal(new TimeOnly(18, 0), hours.End);
        Assert.Equal(MondayToFriday, hours.Days);
        WorkingHoursSpan saturday = Assert.Single(hours.More!);
        Assert.Equal((new TimeOnly(8, 0), new TimeOnly(12, 0)), (saturday.Start, saturday.End));
        Assert.Equal([DayOfWeek.Saturday], saturday.Days);
    }

    [Theory]
    [InlineData("seg-sex 08:00-18:00")]
    [InlineData("lun-vie 8:00-18:00")]
    [InlineData("Mon,Tue,Wed,Thu,Fri 08:00-18:00")]
    [InlineData("monday-friday 08:00-18:00")]
    [InlineData("  mon - fri   08:00-18:00 ;")]
    public void Days_may_be_written_in_english_portuguese_or_spanish_and_as_lists(string text)
    {
        Assert.True(WorkingHoursText.TryParse(text, out WorkingHours? hours, out string? error), error);

        Assert.Equal(new WorkingHours(), hours);
    }

    [Fact]
    public void Ranges_wrap_around_the_week_and_daily_means_every_day()
    {
        Assert.True(WorkingHoursText.TryParse("fri-mon 10:00-14:00", out WorkingHours? wrap, out _));
        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Friday, DayOfWeek.Saturday], wrap!.Days);

        Assert.True(WorkingHoursText.TryParse("daily 00:00-24:00", out WorkingHours? always, out _));
        Assert.Equal(7, always!.Days.Count);
        Assert.Equal(new TimeOnly(23, 59), always.End);
        Assert.True(always.IsOpenAt(new DateTime(2026, 11, 22, 23, 59, 30)));
    }

    [Theory]
    [InlineData("mon-fry 08:00-18:00", "'fry' is not a day")]
    [InlineData("mon-fri 8h-18h", "'8h-18h' is not a time range")]
    [InlineData("mon-fri 08:00-25:00", "is not a time range")]
    [InlineData("08:00-18:00", "expected days then hours")]
    [InlineData("mon-fri 08:00-08:00", "starts and ends at the same time")]
    [InlineData("weekdays 08:00-18:00", "'weekdays' is not a day or a day range")]
    public void Malformed_hours_are_refused_with_the_faulty_part_named(string text, string expected)
    {
        Assert.False(WorkingHoursText.TryParse(text, out _, out string? error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(WorkingHoursText.Example, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Empty_text_means_always_available(string? text)
    {
        Assert.True(WorkingHoursText.TryParse(text, out WorkingHours? hours, out _));
        Assert.Null(hours);
        Assert.Equal("", WorkingHoursText.Format(null));
    }

    [Fact]
    public void Formats_seed_one_hours_readably_in_each_language()
    {
        var seed = JsonSerializer.Deserialize("""{"start": "08:00", "end": "18:00", "days": [1,2,3,4,5]}""", DataJsonContext.Columns.WorkingHours)!;
        var weekend = new WorkingHours { Start = new(9, 0), End = new(13, 0), Days = [DayOfWeek.Sunday, DayOfWeek.Saturday] };

        Assert.Equal("mon-fri 08:00-18:00", WorkingHoursText.Format(seed));
        Assert.Equal("seg-sex 08:00-18:00", WorkingHoursText.Format(seed, "pt-BR"));
        Assert.Equal("lun-vie 08:00-18:00", WorkingHoursText.Format(seed, "es"));
        Assert.Equal("sat,sun 09:00-13:00", WorkingHoursText.Format(weekend));
        Assert.Equal("todos os dias 00:00-23:59", WorkingHoursText.Format(new WorkingHours { Start = new(0, 0), End = new(23, 59), Days = Enum.GetValues<DayOfWeek>() }, "pt-BR"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Any_hours_survive_format_then_parse_and_the_json_column(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            WorkingHoursSpan[] spans = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomSpan(random))];
            var hours = new WorkingHours { Start = spans[0].Start, End = spans[0].End, Days = spans[0].Days, More = spans.Length > 1 ? spans[1..] : null };

            string text = WorkingHoursText.Format(hours);
            Assert.True(WorkingHoursText.TryParse(text, out WorkingHours? parsed, out string? error), $"seed {seed} round {round}: {text}: {error}");
            Assert.Equal(hours, parsed);
            Assert.Null(WorkingHoursText.Check(parsed));

            string json = JsonSerializer.Serialize(hours, DataJsonContext.Columns.WorkingHours);
            Assert.Equal(hours, JsonSerializer.Deserialize(json, DataJsonContext.Columns.WorkingHours));
        }
    }

    [Fact]
    public void A_single_span_is_still_stored_as_seed_one_json()
    {
        Assert.True(WorkingHoursText.TryParse("mon-fri 08:00-18:00", out WorkingHours? hours, out _));

        Assert.Equal("""{"start":"08:00","end":"18:00","days":[1,2,3,4,5]}""", JsonSerializer.Serialize(hours!, DataJsonContext.Columns.WorkingHours));
    }

    [Fact]
    public void An_overnight_span_belongs_to_the_day_it_starts()
    {
        Assert.True(WorkingHoursText.TryParse("mon-fri 22:00-06:00", out WorkingHours? night, out _));

        Assert.True(night!.IsOpenAt(new DateTime(2026, 11, 16, 23, 0, 0)));   // Monday 23:00
        Assert.True(night.IsOpenAt(new DateTime(2026, 11, 17, 3, 0, 0)));     // Tuesday 03:00, Monday's night
        Assert.True(night.IsOpenAt(new DateTime(2026, 11, 21, 3, 0, 0)));     // Saturday 03:00, Friday's night
        Assert.False(night.IsOpenAt(new DateTime(2026, 11, 22, 3, 0, 0)));    // Sunday 03:00
        Assert.False(night.IsOpenAt(new DateTime(2026, 11, 17, 12, 0, 0)));
        Assert.Equal(new DateTime(2026, 11, 23, 22, 0, 0), night.NextOpening(new DateTime(2026, 11, 22, 3, 0, 0)));
    }

    private static WorkingHoursSpan RandomSpan(Random random)
    {
        var start = new TimeOnly(random.Next(0, 24), random.Next(0, 60));
        TimeOnly end;
        do
        {
            end = new TimeOnly(random.Next(0, 24), random.Next(0, 60));
        }
        while (end == start);

        DayOfWeek[] days = [.. Enum.GetValues<DayOfWeek>().Where(_ => random.Next(2) == 0)];
        return new WorkingHoursSpan { Start = start, End = end, Days = days.Length == 0 ? [DayOfWeek.Wednesday] : days };
    }
}
