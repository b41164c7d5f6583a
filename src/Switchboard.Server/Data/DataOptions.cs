using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Configuration section "Data". The defaults give a SQLite file under <c>data/</c>: no setup needed.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Required for PostgreSQL (e.g. <c>Host=db;Database=fusionpbx;Username=switchboard;Password=...</c>; our tables
    /// go in schema "switchboard"). Defaults for SQLite to <c>Data Source=&lt;DataRoot&gt;/switchboard.db</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the node's local state (SQLite file, key ring); relative paths are from the content root. Made absolute at startup.</summary>
    [Required]
    public string DataRoot { get; set; } = "data";

    /// <summary>
    /// Data Protection key ring folder; defaults to <c>&lt;DataRoot&gt;/keys</c>. Nodes sharing one PostgreSQL must share
    /// this folder too, or they cannot read each other's provider secrets.
    /// </summary>
    public string? KeysPath { get; set; }

    /// <summary>Create the demo tenant (<see cref="Tenancy.DemoTenant"/>) at startup if it is missing.</summary>
    public bool SeedDemoTenant { get; set; } = true;
}

[OptionsValidator]
internal sealed partial class DataOptionsValidator : IValidateOptions<DataOptions>;
