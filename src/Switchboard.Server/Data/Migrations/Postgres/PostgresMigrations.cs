namespace Switchboard.Server.Data.Migrations.Postgres;

/// <summary>PostgreSQL schema history (schema "switchboard"). Add a new file per change and append it here; never edit an applied one.</summary>
internal static partial class PostgresMigrations
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "initial", V0001Initial),
        new(2, "data_protection_keys", V0002DataProtectionKeys),
        new(3, "tools", V0003Tools),
        new(4, "recordings_and_helpdesk", V0004RecordingsAndHelpdesk),
        new(5, "summaries_and_destination_names", V0005SummariesAndDestinationNames),
        new(6, "console_users", V0006ConsoleUsers),
    ];
}
