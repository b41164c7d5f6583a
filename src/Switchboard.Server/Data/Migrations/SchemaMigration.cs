namespace Switchboard.Server.Data.Migrations;

/// <summary>One versioned, hand-written schema change; applied in its own transaction by <see cref="DatabaseMigrator"/>.</summary>
public sealed record SchemaMigration(int Version, string Name, string Sql);
