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
    /// <summary>
    /// <see cref="DataOptions.KeysPath"/>: a copy of the database alone reveals no secret. Several nodes must share
    /// that folder (or use <see cref="Database"/>).
    /// </summary>
    FileSystem,

    /// <summary>
    /// Table <c>data_protection_keys</c>, shared by every node on the database. The keys then sit unencrypted next to
    /// the secrets they protect: protect database dumps accordingly.
    /// </summary>
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

    /// <summary>Where the key ring lives; files under the data folder by default.</summary>
    public KeyRingStore KeyRing { get; set; } = KeyRingStore.FileSystem;

    /// <summary>Key ring folder when it is kept in files; defaults to <c>&lt;DataRoot&gt;/keys</c>.</summary>
    public string? KeysPath { get; set; }

    /// <summary>Create the demo tenant (<see cref="Tenancy.DemoTenant"/>) at startup if it is missing.</summary>
    public bool SeedDemoTenant { get; set; } = true;
}

[OptionsValidator]
internal sealed partial class DataOptionsValidator : IValidateOptions<DataOptions>;
