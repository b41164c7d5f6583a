using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Switchboard.Server.Data;

/// <summary>
/// Names every column, key, foreign key and index in snake_case (<c>pk_tickets</c>, <c>fk_tickets_tenant_id</c>,
/// <c>ix_tickets_tenant_id_number</c>), stores enums as snake_case text and JSON columns as <c>jsonb</c> on
/// PostgreSQL. Names set explicitly in a configuration win. The migration scripts spell out the same names.
/// </summary>
internal sealed class SnakeCaseNamingConvention(bool postgres) : IModelFinalizingConvention
{
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (IConventionEntityType entityType in modelBuilder.Metadata.GetEntityTypes())
        {
            string table = entityType.GetTableName()
                ?? throw new InvalidOperationException($"{entityType.DisplayName()} has no table.");

            foreach (IConventionProperty property in entityType.GetDeclaredProperties())
            {
                property.Builder.HasColumnName(SnakeCase.From(property.Name));

                Type type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                if (type.IsEnum && property.GetValueConverter() is null)
                {
                    var converter = (ValueConverter)Activator.CreateInstance(typeof(SnakeCaseEnumConverter<>).MakeGenericType(type))!;
                    property.Builder.HasConversion(converter);
                }

                if (postgres && property.FindAnnotation(JsonColumn.Annotation) is not null)
                {
                    property.Builder.HasColumnType("jsonb");
                }
            }

            foreach (IConventionKey key in entityType.GetDeclaredKeys())
            {
                if (key.IsPrimaryKey())
                {
                    key.Builder.HasName($"pk_{table}");
                }
            }

            foreach (IConventionForeignKey foreignKey in entityType.GetDeclaredForeignKeys())
            {
                foreignKey.Builder.HasConstraintName($"fk_{table}_{Columns(foreignKey.Properties)}");
            }

            foreach (IConventionIndex index in entityType.GetDeclaredIndexes().Where(index => index.Name is null))
            {
                index.Builder.HasDatabaseName($"ix_{table}_{Columns(index.Properties)}");
            }
        }
    }

    private static string Columns(IEnumerable<IReadOnlyProperty> properties) =>
        string.Join('_', properties.Select(property => SnakeCase.From(property.Name)));
}
