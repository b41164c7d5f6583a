using System.Text.Json;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Data;

/// <summary>Stored text formats that operators, FusionPBX pages and seed 1's SQL rely on.</summary>
public sealed class StorageFormatTests
{
    [Theory]
    [InlineData("AudioSecondsIn", "audio_seconds_in")]
    [InlineData("BLegUuid", "b_leg_uuid")]
    [InlineData("EstimatedCostUsd", "estimated_cost_usd")]
    [InlineData("Id", "id")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("Vad2Threshold", "vad2_threshold")]
    public void Names_become_snake_case(string name, string expected) => Assert.Equal(expected, SnakeCase.From(name));

    [Fact]
    public void Enums_are_stored_as_seed_one_spells_them()
    {
        Assert.Equal(
            ["extension", "ring_group", "queue", "external", "voicemail"],
            Enum.GetValues<TransferDestinationType>().Select(v => (string)new SnakeCaseEnumConverter<TransferDestinationType>().ConvertToProvider(v)!));
        Assert.Equal(
            ["offer_ticket", "create_ticket", "voicemail", "return_agent", "hangup"],
            Enum.GetValues<TransferFallbackAction>().Select(v => (string)new SnakeCaseEnumConverter<TransferFallbackAction>().ConvertToProvider(v)!));
        Assert.Equal(
            ["success", "busy", "no_answer", "unavailable", "rejected", "failed"],
            Enum.GetValues<TransferAttemptResult>().Select(v => (string)new SnakeCaseEnumConverter<TransferAttemptResult>().ConvertToProvider(v)!));
        Assert.Equal(ProcessingMode.TurnBased, new SnakeCaseEnumConverter<ProcessingMode>().ConvertFromProvider("turn_based"));
        Assert.Throws<InvalidOperationException>(() => new SnakeCaseEnumConverter<ProcessingMode>().ConvertFromProvider("TurnBased"));
    }

    [Fact]
    public void Working_hours_use_seed_one_json()
    {
        const string Seed = """{"start": "08:00", "end": "18:00", "days": [1,2,3,4,5]}""";

        WorkingHours parsed = JsonSerializer.Deserialize(Seed, DataJsonContext.Columns.WorkingHours)!;

        Assert.Equal(new WorkingHours(), parsed);
        Assert.Equal(
            """{"start":"09:30","end":"23:59","days":[0,6]}""",
            JsonSerializer.Serialize(new WorkingHours { Start = new(9, 30), End = new(23, 59), Days = [DayOfWeek.Sunday, DayOfWeek.Saturday] }, DataJsonContext.Columns.WorkingHours));
    }

    [Fact]
    public void Aliases_keep_accents_readable()
    {
        Assert.Equal("""["alguém","conexão"]""", JsonSerializer.Serialize(["alguém", "conexão"], DataJsonContext.Columns.ListString));
    }

    [Fact]
    public void Timestamps_become_utc_ticks_on_sqlite()
    {
        var converter = new UtcTicksConverter();
        var local = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(-3));

        long ticks = (long)converter.ConvertToProvider(local)!;
        var back = (DateTimeOffset)converter.ConvertFromProvider(ticks)!;

        Assert.Equal(new DateTime(2026, 1, 1, 11, 0, 0, DateTimeKind.Utc).Ticks, ticks);
        Assert.Equal(TimeSpan.Zero, back.Offset);
        Assert.Equal(local, back);
    }

    [Fact]
    public void Mode_switches_serialise_with_snake_case_names()
    {
        string json = JsonSerializer.Serialize(
            [new ConversationModeSwitch(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "realtime:open_ai_realtime", "turn_based:pipeline", "provider_dropped")],
            DataJsonContext.Columns.ListConversationModeSwitch);

        Assert.Equal("""[{"at":"2026-01-01T00:00:00+00:00","from":"realtime:open_ai_realtime","to":"turn_based:pipeline","reason":"provider_dropped"}]""", json);
    }
}
