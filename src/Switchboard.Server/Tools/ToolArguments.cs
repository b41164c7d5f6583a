using System.Text.Json;

namespace Switchboard.Server.Tools;

/// <summary>
/// Checks a tool call's arguments against the tool's parameter schema before the tool runs, and reads them.
/// The schemas are strict (every property listed in <c>required</c>, optional ones typed <c>["string","null"]</c>),
/// but not every provider enforces them: a missing optional property counts as null, a missing non-null one is an
/// error, properties the schema does not name are ignored.
/// </summary>
public static class ToolArguments
{
    /// <summary>Null when <paramref name="arguments"/> fit the schema; otherwise what is wrong, for the agent.</summary>
    public static string? Validate(string parametersJsonSchema, JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return $"arguments must be a JSON object, not {Kind(arguments)}";
        }

        using JsonDocument document = JsonDocument.Parse(parametersJsonSchema);
        JsonElement schema = document.RootElement;
        if (!schema.TryGetProperty("properties", out JsonElement properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement name in required.EnumerateArray())
            {
                string property = name.GetString() ?? "";
                if (!arguments.TryGetProperty(property, out _)
                    && !(properties.TryGetProperty(property, out JsonElement declared) && Allows(declared, "null")))
                {
                    return $"missing required argument '{property}'";
                }
            }
        }

        foreach (JsonProperty argument in arguments.EnumerateObject())
        {
            if (!properties.TryGetProperty(argument.Name, out JsonElement declared))
            {
                continue;
            }

            string kind = Kind(argument.Value);
            bool fits = Allows(declared, kind)
                || (kind == "number" && Allows(declared, "integer") && argument.Value.TryGetInt64(out _));
            if (!fits)
            {
                return $"argument '{argument.Name}' must be {Describe(declared)}, not {kind}";
            }

            if (argument.Value.ValueKind == JsonValueKind.String && declared.TryGetProperty("enum", out JsonElement allowed)
                && !allowed.EnumerateArray().Any(value => value.ValueKind == JsonValueKind.String && value.ValueEquals(argument.Value.GetString())))
            {
                return $"argument '{argument.Name}' must be one of {string.Join(", ", allowed.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()))}";
            }
        }

        return null;
    }

    /// <summary>The string argument, or null when missing or null. Only after <see cref="Validate"/>.</summary>
    public static string? GetString(JsonElement arguments, string name) =>
        arguments.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The string argument trimmed, or null when missing, null or blank.</summary>
    public static string? GetText(JsonElement arguments, string name) =>
        GetString(arguments, name)?.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>The number argument, or null when missing or null. Only after <see cref="Validate"/>.</summary>
    public static double? GetNumber(JsonElement arguments, string name) =>
        arguments.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static bool Allows(JsonElement declared, string kind)
    {
        if (!declared.TryGetProperty("type", out JsonElement type))
        {
            return true;
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => type.ValueEquals(kind),
            JsonValueKind.Array => type.EnumerateArray().Any(entry => entry.ValueEquals(kind)),
            _ => true,
        };
    }

    private static string Describe(JsonElement declared)
    {
        if (!declared.TryGetProperty("type", out JsonElement type))
        {
            return "any value";
        }

        IEnumerable<string> kinds = type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(entry => entry.GetString() ?? "")
            : [type.GetString() ?? ""];
        return string.Join(" or ", kinds.Select(kind => kind is "array" or "integer" or "object" ? "an " + kind : kind == "null" ? "null" : "a " + kind));
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
