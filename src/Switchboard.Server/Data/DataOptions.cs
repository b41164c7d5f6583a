using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the Data Protection key ring (which encrypts provider secrets) is kept.</summary>
public enum KeyRingStore
{
    /// <summary>Files for SQLite (one node), the database for PostgreSQL (nodes share it).</summary>
    Auto,

    /// <summary><see cref="DataOptions.KeysPath"/>; nodes must share that folder.</summary>
    FileSystem,

    /// <summary>Table <c>data_protection_keys</c>.</summary>
    Database,
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

    /// <summary>Where the key ring lives; <see cref="KeyRingStore.Auto"/> by default.</summary>
    public KeyRingStore KeyRing { get; set; } = KeyRingStore.Auto;

    /// <summary>Key ring folder when it is kept in files; defaults to <c>&lt;DataRoot&gt;/keys</c>.</summary>
    public string? KeysPath { get; set; }

    /// <summary>Create the demo tenant (<see cref="Tenancy.DemoTenant"/>) at startup if it is missing.</summary>
    public bool SeedDemoTenant { get; set; } = true;
}

[OptionsValidator]
internal sealed partial class DataOptionsValidator : IValidateOptions<DataOptions>;
