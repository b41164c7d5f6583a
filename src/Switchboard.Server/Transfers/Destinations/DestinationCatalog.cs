using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// The transfer destinations of the scope's tenant (<see cref="TenantContext"/> must be set: without it every
/// method throws, so nothing runs unscoped). Checks what needs the other rows: names unique per tenant (ignoring
/// case and accents, as callers say them), at most one enabled default, a secretary of the same tenant. Scoped.
/// </summary>
public sealed class DestinationCatalog
{
    private static readonly StringComparer NameOrder = StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.IgnoreCase);

    private readonly SwitchboardDbContext _db;
    private readonly TenantContext _tenant;
    private readonly ILogger<DestinationCatalog> _logger;

    public DestinationCatalog(SwitchboardDbContext db, TenantContext tenant, ILogger<DestinationCatalog> logger)
    {
        _db = db;
        _tenant = tenant;
        _logger = logger;
    }

    private Guid TenantId => _tenant.TenantId ?? throw new TenantIsolationException("Destinations need a tenant: call TenantContext.Set first.");

    /// <summary>Every destination of the tenant, enabled or not, by priority then name.</summary>
    public async Task<IReadOnlyList<TransferDestination>> ListAsync(CancellationToken cancellationToken)
    {
        _ = TenantId;
        List<TransferDestination> rows = await _db.TransferDestinations.AsNoTracking().ToListAsync(cancellationToken);
        return Ordered(rows);
    }

    /// <summary>The enabled destinations <paramref name="secretaryId"/> offers (its own and the tenant-wide ones), by priority then name.</summary>
    public async Task<IReadOnlyList<TransferDestination>> ListOfferedByAsync(Guid secretaryId, CancellationToken cancellationToken)
    {
        _ = TenantId;
        List<TransferDestination> rows = await _db.TransferDestinations.AsNoTracking()
            .Where(d => d.Enabled && (d.SecretaryId == null || d.SecretaryId == secretaryId))
            .ToListAsync(cancellationToken);
        return Ordered(rows);
    }

    public Task<TransferDestination?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        _ = TenantId;
        return _db.TransferDestinations.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
    }

    public Task<DestinationChange> CreateAsync(DestinationRequest request, CancellationToken cancellationToken) =>
        SaveAsync(null, request, cancellationToken);

    /// <summary>Replaces every field of the destination (null fields take their defaults).</summary>
    public Task<DestinationChange> UpdateAsync(Guid id, DestinationRequest request, CancellationToken cancellationToken) =>
        SaveAsync(id, request, cancellationToken);

    /// <summary>False when the tenant has no such destination.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        TransferDestination? row = await _db.TransferDestinations.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (row is null)
        {
            return false;
        }

        _db.TransferDestinations.Remove(row);
        await _db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<string> ExportCsvAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<TransferDestination> rows = await ListAsync(cancellationToken);
        Dictionary<Guid, string> extensions = await _db.Secretaries.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Extension, cancellationToken);
        return DestinationCsv.Export(rows, extensions);
    }

    /// <summary>
    /// Validates every row of <paramref name="csv"/> (each on its own, then names and the default rule across the
    /// file and the stored rows) and applies them all in one transaction, or none.
    /// </summary>
    public async Task<DestinationImport> ImportCsvAsync(string csv, DestinationImportMode mode, CancellationToken cancellationToken)
    {
        Guid tenantId = TenantId;
        Tenant tenant = await _db.Tenants.SingleAsync(cancellationToken);
        Dictionary<string, Guid> secretaries = await _db.Secretaries.AsNoTracking()
            .ToDictionaryAsync(s => s.Extension, s => s.Id, StringComparer.Ordinal, cancellationToken);
        IReadOnlyList<DestinationCsv.Row> rows = DestinationCsv.Read(csv, secretaries, out string? fileError);
        if (fileError is not null)
        {
            return new DestinationImport.Rejected(fileError, []);
        }

        List<TransferDestination> stored = await _db.TransferDestinations.ToListAsync(cancellationToken);
        Dictionary<string, TransferDestination> storedByName = stored.ToDictionary(d => TextFolding.Fold(d.Name), StringComparer.Ordinal);
        var planned = new List<(DestinationCsv.Row Row, TransferDestination Values, TransferDestination? Existing)>();
        var firstLineByName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (DestinationCsv.Row row in rows)
        {
            Dictionary<string, List<string>> errors = row.Errors;
            if (errors.ContainsKey("row"))
            {
                planned.Add((row, new TransferDestination(), null));
                continue;
            }

            Dictionary<string, List<string>> fieldErrors = DestinationValidator.Validate(row.Request, tenant.DomainName, out TransferDestination values);
            foreach ((string field, List<string> messages) in fieldErrors)
            {
                messages.ForEach(message => Add(errors, field, message));
            }

            string key = TextFolding.Fold(values.Name);
            TransferDestination? existing = null;
            if (key.Length > 0)
            {
                if (firstLineByName.TryGetValue(key, out int line))
                {
                    Add(errors, "name", $"The name '{values.Name}' is already on line {line}; each destination once per file.");
                }
                else
                {
                    firstLineByName[key] = row.Line;
                    existing = storedByName.GetValueOrDefault(key);
                }
            }

            planned.Add((row, values, existing));
        }

        // One enabled default across what the tenant will have.
        HashSet<Guid> replaced = [.. planned.Where(p => p.Existing is not null).Select(p => p.Existing!.Id)];
        List<string> keptDefaults = [.. stored
            .Where(d => d.IsDefault && d.Enabled && !replaced.Contains(d.Id) && mode == DestinationImportMode.Upsert)
            .Select(d => $"'{d.Name}' (already stored)")];
        var fileDefaults = planned.Where(p => p.Row.Errors.Count == 0 && p.Values.IsDefault && p.Values.Enabled).ToList();
        if (keptDefaults.Count + fileDefaults.Count > 1)
        {
            foreach (var p in fileDefaults)
            {
                string[] others = [.. keptDefaults, .. fileDefaults.Where(o => o.Row.Line != p.Row.Line).Select(o => $"'{o.Values.Name}' (line {o.Row.Line})")];
                Add(p.Row.Errors, "is_default", $"Only one enabled default destination per tenant; this file would also make {string.Join(", ", others)} the default.");
            }
        }

        List<DestinationImportError> rejected = [.. planned
            .Where(p => p.Row.Errors.Count > 0)
            .Select(p => new DestinationImportError(p.Row.Line, p.Row.Request.Name, p.Row.Errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal)))];
        if (rejected.Count > 0)
        {
            Log.ImportRejected(_logger, tenantId, rejected.Count);
            return new DestinationImport.Rejected(null, rejected);
        }

        // Defaults are set in a second step so the partial unique index never sees two at once mid-import.
        await using IDbContextTransaction transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
        int created = 0;
        int updated = 0;
        int deleted = 0;
        var becomeDefault = new List<TransferDestination>();
        foreach ((DestinationCsv.Row _, TransferDestination values, TransferDestination? existing) in planned)
        {
            TransferDestination target = existing ?? new TransferDestination { Id = Guid.NewGuid(), TenantId = tenantId };
            bool wasDefault = existing is { IsDefault: true, Enabled: true };
            DestinationValidator.CopyTo(values, target);
            if (target.IsDefault && target.Enabled && !wasDefault)
            {
                target.IsDefault = false;
                becomeDefault.Add(target);
            }

            if (existing is null)
            {
                _db.TransferDestinations.Add(target);
                created++;
            }
            else
            {
                updated++;
            }
        }

        if (mode == DestinationImportMode.Replace)
        {
            foreach (TransferDestination row in stored.Where(d => !replaced.Contains(d.Id)))
            {
                _db.TransferDestinations.Remove(row);
                deleted++;
            }
        }

        try
        {
            await _db.SaveChangesAsync(cancellationToken);
            if (becomeDefault.Count > 0)
            {
                becomeDefault.ForEach(d => d.IsDefault = true);
                await _db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A unique index (name, or the one default) refused a row another request saved since the checks: nothing applied.
            await transaction.RollbackAsync(CancellationToken.None);
            _db.ChangeTracker.Clear();
            return new DestinationImport.Conflict(
                "Another change to the tenant's destinations was saved while this file was imported, and a destination name or the "
                + "default destination is now taken. Nothing was imported; export the destinations again and retry.");
        }

        Log.Imported(_logger, tenantId, created, updated, deleted);
        return new DestinationImport.Applied(created, updated, deleted);
    }

    private async Task<DestinationChange> SaveAsync(Guid? id, DestinationRequest request, CancellationToken cancellationToken)
    {
        Guid tenantId = TenantId;
        TransferDestination? row = null;
        if (id is { } existingId)
        {
            row = await _db.TransferDestinations.FirstOrDefaultAsync(d => d.Id == existingId, cancellationToken);
            if (row is null)
            {
                return DestinationChange.NotFound.Instance;
            }
        }

        Tenant tenant = await _db.Tenants.AsNoTracking().SingleAsync(cancellationToken);
        Dictionary<string, List<string>> errors = DestinationValidator.Validate(request, tenant.DomainName, out TransferDestination values);

        string key = TextFolding.Fold(values.Name);
        if (await NameClashAsync(id, key, cancellationToken) is { } clash)
        {
            Add(errors, "name", NameTaken(clash));
        }

        if (values.SecretaryId is { } secretaryId && !await _db.Secretaries.AnyAsync(s => s.Id == secretaryId, cancellationToken))
        {
            Add(errors, "secretary_id", $"The tenant has no secretary {secretaryId}.");
        }

        if (errors.Count > 0)
        {
            return new DestinationChange.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        if (values.IsDefault && values.Enabled && await OtherDefaultAsync(id, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        if (row is null)
        {
            row = new TransferDestination { Id = Guid.NewGuid(), TenantId = tenantId };
            _db.TransferDestinations.Add(row);
        }

        DestinationValidator.CopyTo(values, row);
        try
        {
            await _db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request took the name, or made a default, between the checks and the save: a unique index refused
            // this one. Answer as the checks would have.
            _db.ChangeTracker.Clear();
            if (values.IsDefault && values.Enabled && await OtherDefaultAsync(id, cancellationToken) is { } otherDefault)
            {
                return otherDefault;
            }

            if (await NameClashAsync(id, key, cancellationToken) is { } taken)
            {
                return new DestinationChange.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["name"] = [NameTaken(taken)] });
            }

            throw;
        }

        return new DestinationChange.Saved(row);
    }

    /// <summary>Another destination of the tenant whose name folds to <paramref name="key"/>, if any.</summary>
    private async Task<TransferDestination?> NameClashAsync(Guid? id, string key, CancellationToken cancellationToken)
    {
        if (key.Length == 0)
        {
            return null;
        }

        List<TransferDestination> others = await _db.TransferDestinations.AsNoTracking().Where(d => d.Id != (id ?? Guid.Empty)).ToListAsync(cancellationToken);
        return others.FirstOrDefault(d => TextFolding.Fold(d.Name) == key);
    }

    private static string NameTaken(TransferDestination clash) =>
        $"The tenant already has a destination named '{clash.Name}' (names are compared ignoring case and accents).";

    private async Task<DestinationChange.DefaultConflict?> OtherDefaultAsync(Guid? id, CancellationToken cancellationToken)
    {
        TransferDestination? other = await _db.TransferDestinations.AsNoTracking()
            .FirstOrDefaultAsync(d => d.IsDefault && d.Enabled && d.Id != (id ?? Guid.Empty), cancellationToken);
        return other is null
            ? null
            : new DestinationChange.DefaultConflict(
                $"'{other.Name}' is already the tenant's enabled default destination, and a tenant has at most one. "
                + $"Save this one with isDefault false, or first make '{other.Name}' not default (or disable it).");
    }

    private static IReadOnlyList<TransferDestination> Ordered(List<TransferDestination> rows) =>
        [.. rows.OrderBy(d => d.Priority).ThenBy(d => d.Name, NameOrder).ThenBy(d => d.Id)];

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out List<string>? list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }
}
