using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Switchboard.Server.Calls;
using Switchboard.Server.Contacts;
using Switchboard.Server.Recordings;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Summaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tickets.Helpdesk;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Data;

/// <summary>
/// The one Switchboard store, PostgreSQL or SQLite. Tenant-safe by construction: every query on a tenant-owned
/// entity (and on <see cref="Tenant"/> itself) is filtered to <see cref="TenantContext.TenantId"/> by the query
/// filter named <see cref="TenantQueryFilter"/> (no tenant: no rows), and saving refuses rows of another tenant.
/// The only sanctioned way around the filter is <see cref="TenantDirectory"/>.
/// </summary>
public sealed class SwitchboardDbContext : DbContext
{
    /// <summary>Name of the tenant query filter, for <c>IgnoreQueryFilters([TenantQueryFilter])</c>.</summary>
    public const string TenantQueryFilter = "tenant";

    /// <summary>PostgreSQL schema of every Switchboard table (SQLite has no schemas).</summary>
    public const string PostgresSchema = "switchboard";

    private readonly TenantContext _tenant;
    private readonly TimeProvider _time;

    public SwitchboardDbContext(DbContextOptions<SwitchboardDbContext> options, TenantContext tenant, TimeProvider timeProvider)
        : base(options)
    {
        _tenant = tenant;
        _time = timeProvider;
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Secretary> Secretaries => Set<Secretary>();

    public DbSet<AiProvider> AiProviders => Set<AiProvider>();

    public DbSet<TransferDestination> TransferDestinations => Set<TransferDestination>();

    public DbSet<TransferAttempt> TransferAttempts => Set<TransferAttempt>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<ConversationTurn> ConversationTurns => Set<ConversationTurn>();

    public DbSet<Ticket> Tickets => Set<Ticket>();

    public DbSet<TicketCounter> TicketCounters => Set<TicketCounter>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<Appointment> Appointments => Set<Appointment>();

    public DbSet<ToolInvocation> ToolInvocations => Set<ToolInvocation>();

    public DbSet<RecordingUpload> RecordingUploads => Set<RecordingUpload>();

    public DbSet<HelpdeskWebhook> HelpdeskWebhooks => Set<HelpdeskWebhook>();

    public DbSet<HelpdeskDelivery> HelpdeskOutbox => Set<HelpdeskDelivery>();

    public DbSet<ConversationSummary> ConversationSummaries => Set<ConversationSummary>();

    /// <summary>Read by the query filters on every query (EF turns this member access into a parameter).</summary>
    public Guid? CurrentTenantId => _tenant.TenantId;

    internal bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (IsPostgres)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        }
        else
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }

        bool postgres = IsPostgres;
        configurationBuilder.Conventions.Add(_ => new SnakeCaseNamingConvention(postgres));
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        if (IsPostgres)
        {
            modelBuilder.HasDefaultSchema(PostgresSchema);
        }

        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SwitchboardDbContext).Assembly);

        // e => e.TenantId == this.CurrentTenantId, built per entity type so EF sees the mapped property itself.
        Expression currentTenant = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
        foreach (IMutableEntityType entityType in modelBuilder.Model.GetEntityTypes())
        {
            string? keyProperty = typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType) ? nameof(ITenantOwned.TenantId)
                : entityType.ClrType == typeof(Tenant) ? nameof(Tenant.Id)
                : null;
            if (keyProperty is null)
            {
                continue;
            }

            ParameterExpression row = Expression.Parameter(entityType.ClrType, "row");
            Expression tenantId = Expression.Convert(Expression.Property(row, keyProperty), typeof(Guid?));
            modelBuilder.Entity(entityType.ClrType)
                .HasQueryFilter(TenantQueryFilter, Expression.Lambda(Expression.Equal(tenantId, currentTenant), row));
        }
    }

    /// <summary>Stamps tenant and timestamps, then refuses any write outside the current tenant.</summary>
    private void PrepareSave()
    {
        Guid? current = CurrentTenantId;
        DateTimeOffset now = _time.GetUtcNow();
        foreach (EntityEntry entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            string? tenantProperty = entry.Entity switch
            {
                ITenantOwned => nameof(ITenantOwned.TenantId),
                Tenant => nameof(Tenant.Id),
                _ => null,
            };
            if (tenantProperty is not null)
            {
                PropertyEntry tenantId = entry.Property(tenantProperty);
                if (entry.State == EntityState.Added && entry.Entity is ITenantOwned && (Guid)tenantId.CurrentValue! == Guid.Empty && current is { } tenant)
                {
                    tenantId.CurrentValue = tenant;
                }

                CheckTenant(entry, (Guid)tenantId.CurrentValue!, current);
                if (entry.State != EntityState.Added)
                {
                    CheckTenant(entry, (Guid)tenantId.OriginalValue!, current);
                }
            }

            if (entry.Entity is Secretary or AiProvider or TransferDestination or Tenant)
            {
                Calls.SecretaryConfigCache.Changed();
            }

            if (entry.State == EntityState.Added && entry.Metadata.FindProperty("CreatedAt") is { } created
                && (DateTimeOffset)entry.Property(created).CurrentValue! == default)
            {
                entry.Property(created).CurrentValue = now;
            }

            if (entry.State is EntityState.Added or EntityState.Modified && entry.Metadata.FindProperty("UpdatedAt") is { } updated
                && !(entry.State == EntityState.Added && (DateTimeOffset)entry.Property(updated).CurrentValue! != default))
            {
                entry.Property(updated).CurrentValue = now;
            }
        }
    }

    private static void CheckTenant(EntityEntry entry, Guid rowTenant, Guid? current)
    {
        if (current is null)
        {
            throw new TenantIsolationException(
                $"Cannot {Verb(entry.State)} a {entry.Metadata.ClrType.Name} of tenant {rowTenant}: no tenant is set for this scope (TenantContext.Set).");
        }

        if (rowTenant != current)
        {
            throw new TenantIsolationException(
                $"Cannot {Verb(entry.State)} a {entry.Metadata.ClrType.Name} of tenant {rowTenant} while working for tenant {current}.");
        }
    }

    private static string Verb(EntityState state) => state switch
    {
        EntityState.Added => "insert",
        EntityState.Deleted => "delete",
        _ => "update",
    };
}
