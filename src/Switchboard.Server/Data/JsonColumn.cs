using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Switchboard.Server.Data;

/// <summary>
/// Maps a property to one JSON column: <c>jsonb</c> on PostgreSQL, <c>TEXT</c> on SQLite (the naming convention
/// picks the store type from the annotation set here).
/// </summary>
internal static class JsonColumn
{
    public const string Annotation = "Switchboard:Json";

    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property, JsonTypeInfo<T> typeInfo)
    {
        property.HasConversion(
            new ValueConverter<T, string>(
                value => JsonSerializer.Serialize(value, typeInfo),
                json => JsonSerializer.Deserialize(json, typeInfo)!),
            new ValueComparer<T>(
                (left, right) => JsonSerializer.Serialize(left!, typeInfo) == JsonSerializer.Serialize(right!, typeInfo),
                value => JsonSerializer.Serialize(value, typeInfo).GetHashCode(StringComparison.Ordinal),
                value => JsonSerializer.Deserialize(JsonSerializer.Serialize(value, typeInfo), typeInfo)!));
        property.HasAnnotation(Annotation, true);
        return property;
    }

    public static PropertyBuilder<string> IsJson(this PropertyBuilder<string> property)
    {
        property.HasAnnotation(Annotation, true);
        return property;
    }
}
