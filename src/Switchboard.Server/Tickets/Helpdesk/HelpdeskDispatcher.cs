using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Server.Data;
using Switchboard.Server.Recordings;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>
/// Delivers the helpdesk outbox: POSTs each ticket to its tenant's webhook, signed. 2xx: delivered. 408, 429, 5xx,
/// timeouts and connection failures: retried with exponential backoff and jitter, up to
/// <see cref="HelpdeskOptions.MaxAttempts"/>. Other 4xx: failed at once. A ticket of a call is held while the call
/// goes on and until its summary is written (at most <see cref="HelpdeskOptions.SummaryWait"/>), so the helpdesk gets
/// the summary and the recording link. Every state is in the table, so a restart
/// resumes where it stopped; several nodes may run it (rows are claimed with a conditional update).
/// </summary>
public sealed class HelpdeskDispatcher : BackgroundService
{
    public const string HttpClientName = "Switchboard.Helpdesk";
    public const string SignatureHeader = "X-Switchboard-Signature";
    public const string TimestampHeader = "X-Switchboard-Timestamp";
    public const string DeliveryHeader = "X-Switchboard-Delivery";
    public const string EventHeader = "X-Switchboard-Event";

    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);
    private const int BatchSize = 20;

    private readonly IServiceScopeFactory _scopes;
    private readonly IHttpClientFactory _http;
    private readonly HelpdeskSecrets _secrets;
    private readonly HelpdeskMetrics _metrics;
    private readonly HelpdeskOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HelpdeskDispatcher> _logger;

    public HelpdeskDispatcher(
        IServiceScopeFactory scopes,
        IHttpClientFactory http,
        HelpdeskSecrets secrets,
        HelpdeskMetrics metrics,
        IOptions<HelpdeskOptions> options,
        TimeProvider timeProvider,
        ILogger<HelpdeskDispatcher> logger)
    {
        _scopes = scopes;
        _http = http;
        _secrets = secrets;
        _metrics = metrics;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary><c>sha256=&lt;lower-case hex HMAC-SHA256 of <paramref name="body"/> keyed with <paramref name="secret"/> (UTF-8)&gt;</c>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => WorkQueue.RunAsync(
        RunPassAsync, BatchSize, ct => Task.Delay(_options.PollInterval, _time, ct), exception => Log.PassFailed(_logger, exception), stoppingToken);

    internal async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<DueDelivery> due;
        await using (AsyncServiceScope scope = _scopes.CreateAsyncScope())
        {
            // The outbox spans tenants; each row is then worked in a scope bound to its own tenant.
            IQueryable<HelpdeskDelivery> all = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().HelpdeskOutbox
                .IgnoreQueryFilters([SwitchboardDbContext.TenantQueryFilter]).AsNoTracking();
            due = await all
                .Where(delivery => delivery.Status == HelpdeskDeliveryStatus.Pending && delivery.NextAttemptAt <= now)
                .OrderBy(delivery => delivery.NextAttemptAt)
                .Take(BatchSize)
                .Select(delivery => new DueDelivery(delivery.Id, delivery.TenantId))
                .ToListAsync(cancellationToken);
            _metrics.SetPending(await all.CountAsync(delivery => delivery.Status == HelpdeskDeliveryStatus.Pending, cancellationToken));
        }

        foreach (DueDelivery delivery in due)
        {
            await WorkAsync(delivery, cancellationToken);
        }

        return due.Count;
    }

    private async Task WorkAsync(DueDelivery due, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(due.TenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        await WorkQueue.ClaimAndRunAsync(
            db.HelpdeskOutbox,
            due.Id,
            row => row.Status == HelpdeskDeliveryStatus.Pending,
            _time.GetUtcNow(),
            ClaimLease,
            async delivery =>
            {
                await DeliverAsync(db, delivery, cancellationToken);
                await db.SaveChangesAsync(CancellationToken.None);
            },
            cancellationToken);
    }

    private async Task DeliverAsync(SwitchboardDbContext db, HelpdeskDelivery delivery, CancellationToken cancellationToken)
    {
        HelpdeskWebhook? webhook = await db.HelpdeskWebhooks.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        Ticket? ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(row => row.Id == delivery.TicketId, cancellationToken);
        if (webhook is not { Enabled: true } || ticket is null)
        {
            delivery.Status = HelpdeskDeliveryStatus.Skipped;
            delivery.LastError = ticket is null ? "the ticket no longer exists" : "no enabled helpdesk webhook for this tenant";
            _metrics.Delivery("skipped");
            return;
        }

        if (await HoldUntilAsync(db, ticket, cancellationToken) is { } until)
        {
            delivery.NextAttemptAt = until;
            return;
        }

        await SendAsync(db, delivery, webhook, ticket, cancellationToken);
    }

    /// <summary>
    /// When to look again at a delivery whose call is still going on, whose summary is not written yet, or whose
    /// recording file was found and is being stored; null to send now. Never past <see cref="HelpdeskOptions.SummaryWait"/>
    /// after the ticket was created: then the ticket goes as it is.
    /// </summary>
    private async Task<DateTimeOffset?> HoldUntilAsync(SwitchboardDbContext db, Ticket ticket, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset deadline = ticket.CreatedAt + _options.SummaryWait;
        if (ticket.ConversationId is not { } conversationId || now >= deadline)
        {
            return null;
        }

        var call = await db.Conversations.AsNoTracking().Where(row => row.Id == conversationId)
            .Select(row => new { row.EndedAt, row.Summary }).FirstOrDefaultAsync(cancellationToken);
        bool waiting = (call is not null && (call.EndedAt is null || call.Summary is null))
            || await db.RecordingUploads.AnyAsync(
                upload => upload.ConversationId == conversationId && upload.Status == RecordingUploadStatus.Pending && upload.LocalPath != null,
                cancellationToken);
        if (!waiting)
        {
            return null;
        }

        Log.Held(_logger, ticket.Id, ticket.TenantId, deadline);
        DateTimeOffset next = now + _options.PollInterval;
        return next < deadline ? next : deadline;
    }

    private async Task SendAsync(SwitchboardDbContext db, HelpdeskDelivery delivery, HelpdeskWebhook webhook, Ticket ticket, CancellationToken cancellationToken)
    {
        var call = ticket.ConversationId is { } conversationId
            ? await db.Conversations.AsNoTracking().Where(row => row.Id == conversationId)
                .Select(row => new { row.CallUuid, row.RecordingUrl }).FirstOrDefaultAsync(cancellationToken)
            : null;
        byte[] body = HelpdeskTicketPayload.From(delivery, ticket, call?.CallUuid, call?.RecordingUrl).ToUtf8Json();

        string secret;
        try
        {
            secret = _secrets.Unprotect(webhook.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            Fail(delivery, null, "the webhook secret cannot be decrypted (key ring changed?); set it again");
            return;
        }

        delivery.Attempts++;
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(secret, body));
        request.Headers.Add(TimestampHeader, _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeliveryHeader, delivery.Id.ToString("D"));
        request.Headers.Add(EventHeader, HelpdeskTicketPayload.TicketCreated);

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using HttpResponseMessage response = await _http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            int status = (int)response.StatusCode;
            delivery.LastStatusCode = status;
            if (response.IsSuccessStatusCode)
            {
                delivery.Status = HelpdeskDeliveryStatus.Delivered;
                delivery.DeliveredAt = _time.GetUtcNow();
                delivery.LastError = null;
                _metrics.Delivery("delivered");
                Log.Delivered(_logger, ticket.Id, ticket.TenantId, delivery.Attempts);
            }
            else if (IsTransient(response.StatusCode))
            {
                Retry(delivery, $"HTTP {status} {response.ReasonPhrase}");
            }
            else
            {
                Fail(delivery, status, $"HTTP {status} {response.ReasonPhrase}: refused by the helpdesk");
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            delivery.LastStatusCode = null;
            Retry(delivery, $"no answer within {_options.RequestTimeout}");
        }
        catch (HttpRequestException exception)
        {
            delivery.LastStatusCode = null;
            Retry(delivery, $"{exception.HttpRequestError}: {exception.Message}");
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private void Retry(HelpdeskDelivery delivery, string error)
    {
        if (delivery.Attempts >= _options.MaxAttempts)
        {
            Fail(delivery, delivery.LastStatusCode, $"gave up after {delivery.Attempts} tries; last: {error}");
            return;
        }

        TimeSpan delay = RetryBackoff.Next(delivery.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
        delivery.NextAttemptAt = _time.GetUtcNow() + delay;
        delivery.LastError = Truncate(error);
        _metrics.Delivery("retry");
        Log.Retrying(_logger, delivery.TicketId, delivery.TenantId, delivery.Attempts, error, delay);
    }

    private void Fail(HelpdeskDelivery delivery, int? status, string error)
    {
        delivery.Status = HelpdeskDeliveryStatus.Failed;
        delivery.LastStatusCode = status;
        delivery.LastError = Truncate(error);
        _metrics.Delivery("failed");
        Log.Failed(_logger, delivery.TicketId, delivery.TenantId, delivery.Attempts, error);
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];

    private sealed record DueDelivery(Guid Id, Guid TenantId);
}
