using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>What an operator sends to configure a tenant's helpdesk webhook.</summary>
public sealed record HelpdeskWebhookRequest(string Url, string? Secret, bool Enabled = true);

/// <summary>A tenant's helpdesk webhook as the API shows it: never the secret.</summary>
public sealed record HelpdeskWebhookView(string Url, bool Enabled, DateTimeOffset UpdatedAt);

/// <summary>One outbox row as the API shows it.</summary>
public sealed record HelpdeskDeliveryView(
    Guid Id,
    Guid TicketId,
    HelpdeskDeliveryStatus Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    int? LastStatusCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt);

/// <summary><c>/api/tenants/{tenantId}/helpdesk/...</c>: the webhook and its outbox (operator API key).</summary>
internal static class HelpdeskEndpoints
{
    public const int MinimumSecretLength = 16;

    public static async Task<IResult> GetWebhookAsync(Guid tenantId, TenantContext tenant, SwitchboardDbContext db, CancellationToken cancellationToken)
    {
        tenant.Set(tenantId);
        HelpdeskWebhook? webhook = await db.HelpdeskWebhooks.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        return webhook is null ? Results.NotFound() : Results.Ok(new HelpdeskWebhookView(webhook.Url, webhook.Enabled, webhook.UpdatedAt));
    }

    public static async Task<IResult> PutWebhookAsync(
        Guid tenantId, HelpdeskWebhookRequest request, TenantContext tenant, TenantDirectory tenants, SwitchboardDbContext db, HelpdeskSecrets secrets,
        CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["url"] = ["An absolute http(s) URL is required."] });
        }

        if (request.Secret is { } given && given.Length < MinimumSecretLength)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["secret"] = [$"At least {MinimumSecretLength} characters."] });
        }

        if (await tenants.FindByIdAsync(tenantId, cancellationToken) is null)
        {
            return Results.NotFound();
        }

        tenant.Set(tenantId);
        HelpdeskWebhook? webhook = await db.HelpdeskWebhooks.FirstOrDefaultAsync(cancellationToken);
        if (webhook is null)
        {
            if (string.IsNullOrEmpty(request.Secret))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["secret"] = ["A new webhook needs a secret."] });
            }

            webhook = new HelpdeskWebhook { TenantId = tenantId };
            db.HelpdeskWebhooks.Add(webhook);
        }

        webhook.Url = url.ToString();
        webhook.Enabled = request.Enabled;
        if (!string.IsNullOrEmpty(request.Secret))
        {
            webhook.ProtectedSecret = secrets.Protect(request.Secret);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(new HelpdeskWebhookView(webhook.Url, webhook.Enabled, webhook.UpdatedAt));
    }

    public static async Task<IResult> DeleteWebhookAsync(Guid tenantId, TenantContext tenant, SwitchboardDbContext db, CancellationToken cancellationToken)
    {
        tenant.Set(tenantId);
        int deleted = await db.HelpdeskWebhooks.ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? Results.NotFound() : Results.NoContent();
    }

    public static async Task<IResult> ListOutboxAsync(
        Guid tenantId, string? status, int? limit, TenantContext tenant, SwitchboardDbContext db, CancellationToken cancellationToken)
    {
        IQueryable<HelpdeskDelivery> rows = db.HelpdeskOutbox.AsNoTracking();
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse(status, ignoreCase: true, out HelpdeskDeliveryStatus wanted) || !Enum.IsDefined(wanted))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["One of pending, delivered, failed, skipped."] });
            }

            rows = rows.Where(row => row.Status == wanted);
        }

        tenant.Set(tenantId);

        List<HelpdeskDeliveryView> page = await rows
            .OrderByDescending(row => row.CreatedAt)
            .Take(Math.Clamp(limit ?? 100, 1, 1000))
            .Select(row => new HelpdeskDeliveryView(
                row.Id, row.TicketId, row.Status, row.Attempts, row.NextAttemptAt, row.LastError, row.LastStatusCode, row.CreatedAt, row.DeliveredAt))
            .ToListAsync(cancellationToken);
        return Results.Ok(page);
    }

    /// <summary>Sends a failed (or skipped) delivery again, from a fresh try count.</summary>
    public static async Task<IResult> RetryAsync(
        Guid tenantId, Guid deliveryId, TenantContext tenant, SwitchboardDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        tenant.Set(tenantId);
        DateTimeOffset now = time.GetUtcNow();
        int updated = await db.HelpdeskOutbox
            .Where(row => row.Id == deliveryId && (row.Status == HelpdeskDeliveryStatus.Failed || row.Status == HelpdeskDeliveryStatus.Skipped))
            .ExecuteUpdateAsync(
                set => set.SetProperty(row => row.Status, HelpdeskDeliveryStatus.Pending)
                    .SetProperty(row => row.Attempts, 0)
                    .SetProperty(row => row.NextAttemptAt, now)
                    .SetProperty(row => row.UpdatedAt, now),
                cancellationToken);
        return updated == 0 ? Results.NotFound() : Results.Accepted();
    }
}
