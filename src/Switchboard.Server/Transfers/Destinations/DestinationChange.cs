namespace Switchboard.Server.Transfers.Destinations;

/// <summary>How a create or update through <see cref="DestinationCatalog"/> went.</summary>
public abstract record DestinationChange
{
    private DestinationChange()
    {
    }

    public sealed record Saved(TransferDestination Destination) : DestinationChange;

    /// <summary>Field errors keyed by seed 1's snake_case field names.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : DestinationChange;

    /// <summary>The change would make a second enabled default destination.</summary>
    public sealed record DefaultConflict(string Detail) : DestinationChange;

    public sealed record NotFound : DestinationChange
    {
        public static NotFound Instance { get; } = new();
    }
}

/// <summary>How a CSV import went: applied as a whole, or rejected with nothing changed.</summary>
public abstract record DestinationImport
{
    private DestinationImport()
    {
    }

    public sealed record Applied(int Created, int Updated, int Deleted) : DestinationImport;

    /// <summary>A file-level problem (<paramref name="FileError"/>) or the rows in error, by line.</summary>
    public sealed record Rejected(string? FileError, IReadOnlyList<DestinationImportError> Rows) : DestinationImport;

    /// <summary>The store refused the rows (a concurrent change took a name or the default); nothing was applied.</summary>
    public sealed record Conflict(string Detail) : DestinationImport;
}

/// <summary>What is wrong with one CSV row; <paramref name="Line"/> counts from 1, the header being line 1.</summary>
public sealed record DestinationImportError(int Line, string? Name, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>What an import does with destinations the file does not name.</summary>
public enum DestinationImportMode
{
    /// <summary>Rows update the destination of the same name or create one; others stay.</summary>
    Upsert,

    /// <summary>As <see cref="Upsert"/>, and destinations the file does not name are deleted.</summary>
    Replace,
}
