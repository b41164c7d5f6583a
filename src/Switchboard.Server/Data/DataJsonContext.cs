using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Switchboard.Server.Calls;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Data;

/// <summary>JSON columns' wire format: snake_case names, as in seed 1 (<c>working_hours</c>, <c>aliases</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(WorkingHours))]
[JsonSerializable(typeof(List<ConversationModeSwitch>))]
internal sealed partial class DataJsonContext : JsonSerializerContext
{
    /// <summary>Writes "alguém", not "algu\u00E9m": the JSON stays readable in SQLite (jsonb normalises anyway).</summary>
    public static DataJsonContext Columns { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    });
}
