using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Recordings;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tickets.Helpdesk;

namespace Switchboard.Server.Tests.Helpdesk;

public sealed class HelpdeskOutboxTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>, IDisposable
{
    private const string Secret = "s3cr3t-shared-with-the-helpdesk";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "sb-helpdesk-" + Guid.NewGuid().ToString("N"));

    [Theory, SqliteData, PostgresData]
    public async Task Ticket_is_posted_with_a_signature_the_helpdesk_can_verify(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync();
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await ConfiguredTenantAsync(host, receiver);

        Ticket ticket = await CreateTicketAsync(host, tenantId, number: 123);

        await Wait.UntilAsync(() => receiver.Received.Count == 1, Patience);
        ReceivedWebhook received = receiver.Received.Single();
        string expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), received.Body));
        Assert.Equal(expected, received.Signature);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        long timestamp = long.Parse(received.Timestamp!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds(timestamp), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        using JsonDocument json = JsonDocument.Parse(received.Body);
        JsonElement root = json.RootElement;
        Assert.Equal("ticket.created", root.GetProperty("event").GetString());
        Assert.Equal(123, root.GetProperty("ticket_number").GetInt64());
        Assert.Equal(ticket.Subject, root.GetProperty("subject").GetString());
        Assert.Equal(ticket.Message, root.GetProperty("message").GetString());
        Assert.Equal(ticket.CallerNumber, root.GetProperty("caller").GetProperty("number").GetString());
        Assert.Equal(ticket.IntendedDestination, root.GetProperty("destination").GetString());
        Assert.Equal(ticket.Reason, root.GetProperty("reason").GetString());
        Assert.Equal(ticket.Transcript, root.GetProperty("transcript").GetString());
        Assert.Equal(ticket.RecordingUrl, root.GetProperty("recording_url").GetString());
        Assert.Equal("high", root.GetProperty("priority").GetString());
        Assert.Equal(received.DeliveryId, root.GetProperty("delivery_id").GetString());
        Assert.True(root.TryGetProperty("created_at", out _));

        HelpdeskDeliveryView row = (await OutboxAsync(host, tenantId)).Single();
        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Delivered, Patience);
        row = (await OutboxAsync(host, tenantId)).Single();
        Assert.Equal(1, row.Attempts);
        Assert.Equal(200, row.LastStatusCode);
        Assert.NotNull(row.DeliveredAt);
        string metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("\nswitchboard_helpdesk_webhook_deliveries_total{result=\"delivered\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nswitchboard_helpdesk_webhook_pending ", metrics, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Server_error_is_retried_until_the_helpdesk_takes_the_ticket(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync(500, 429);
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        using var metrics = new MetricReader(host.Services.GetRequiredService<IMeterFactory>(), "switchboard_helpdesk_");
        Guid tenantId = await ConfiguredTenantAsync(host, receiver);

        await CreateTicketAsync(host, tenantId, number: 1);

        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Delivered, Patience);
        HelpdeskDeliveryView row = (await OutboxAsync(host, tenantId)).Single();
        Assert.Equal(3, row.Attempts);
        Assert.Equal([500, 429, 200], receiver.Received.Select(request => request.AnsweredWith));
        Assert.Single(receiver.Received.Select(request => request.DeliveryId).Distinct());
        Assert.Equal(2, metrics["switchboard_helpdesk_webhook_deliveries_total|result=retry"]);
        Assert.Equal(1, metrics["switchboard_helpdesk_webhook_deliveries_total|result=delivered"]);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Bad_request_fails_the_delivery_at_once_and_the_outbox_shows_why(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync(400);
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await ConfiguredTenantAsync(host, receiver);

        await CreateTicketAsync(host, tenantId, number: 1);

        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Failed, Patience);
        HelpdeskDeliveryView row = (await OutboxAsync(host, tenantId, "?status=failed")).Single();
        Assert.Equal(1, row.Attempts);
        Assert.Equal(400, row.LastStatusCode);
        Assert.Contains("400", row.LastError, StringComparison.Ordinal);
        Assert.Single(receiver.Received);

        // The operator sends it again once the helpdesk is fixed.
        using HttpClient client = host.OperatorClient();
        using HttpResponseMessage retry = await client.PostAsync($"/api/tenants/{tenantId}/helpdesk/outbox/{row.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Delivered, Patience);
        Assert.Equal(2, receiver.Received.Count);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Pending_delivery_survives_a_restart_and_is_delivered_by_the_next_node(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync();
        receiver.DefaultStatus = 503;
        string database = await databases.CreateDatabaseAsync(provider);
        Guid tenantId;
        await using (StorageTestHost first = await StartAsync(provider, database))
        {
            tenantId = await ConfiguredTenantAsync(first, receiver);
            await CreateTicketAsync(first, tenantId, number: 7);
            await Wait.UntilAsync(async () => (await OutboxAsync(first, tenantId)).Single().Attempts >= 1, Patience);
            Assert.Equal(HelpdeskDeliveryStatus.Pending, (await OutboxAsync(first, tenantId)).Single().Status);
        }

        receiver.DefaultStatus = 200;
        await using StorageTestHost second = await StartAsync(provider, database);

        await Wait.UntilAsync(async () => (await OutboxAsync(second, tenantId)).Single().Status == HelpdeskDeliveryStatus.Delivered, Patience);
        ReceivedWebhook delivered = receiver.Received.Last();
        Assert.Equal(200, delivered.AnsweredWith);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), delivered.Body)), delivered.Signature);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Enqueue_adds_to_the_ticket_transaction_without_saving_and_a_tenant_without_webhook_is_skipped(DatabaseProvider provider)
    {
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await host.CreateTenantAsync("nohook.example.com");
        await using (var scope = host.Scope(tenantId))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            var ticket = new Ticket { Id = Guid.NewGuid(), Number = 1, Subject = "s", Message = "m" };
            db.Tickets.Add(ticket);
            HelpdeskDelivery delivery = HelpdeskOutbox.Enqueue(db, ticket);

            Assert.Equal(EntityState.Added, db.Entry(delivery).State);
            await using (var other = host.Scope(tenantId))
            {
                Assert.Equal(0, await other.ServiceProvider.GetRequiredService<SwitchboardDbContext>().HelpdeskOutbox.CountAsync());
            }

            await db.SaveChangesAsync();
        }

        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Skipped, Patience);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Webhook_secret_is_encrypted_at_rest_and_the_api_needs_the_operator_key(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync();
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await ConfiguredTenantAsync(host, receiver);

        await using (var scope = host.Scope(tenantId))
        {
            HelpdeskWebhook stored = await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().HelpdeskWebhooks.SingleAsync();
            Assert.DoesNotContain(Secret, stored.ProtectedSecret, StringComparison.Ordinal);
            Assert.Equal(Secret, scope.ServiceProvider.GetRequiredService<HelpdeskSecrets>().Unprotect(stored.ProtectedSecret));
        }

        using HttpResponseMessage anonymous = await host.Client.GetAsync($"/api/tenants/{tenantId}/helpdesk/outbox");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using HttpClient client = host.OperatorClient();
        HelpdeskWebhookView? view = await client.GetFromJsonAsync<HelpdeskWebhookView>($"/api/tenants/{tenantId}/helpdesk/webhook");
        Assert.Equal(receiver.HookUrl.ToString(), view!.Url);
        using HttpResponseMessage shortSecret = await client.PutAsJsonAsync(
            $"/api/tenants/{tenantId}/helpdesk/webhook", new HelpdeskWebhookRequest(receiver.HookUrl.ToString(), "short"));
        Assert.Equal(HttpStatusCode.BadRequest, shortSecret.StatusCode);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private Task<StorageTestHost> StartAsync(DatabaseProvider provider, string connectionString) =>
        StorageTestHost.StartAsync(provider, connectionString, _dataRoot, new Dictionary<string, string?>
        {
            ["Helpdesk:PollInterval"] = "00:00:00.050",
            ["Helpdesk:RetryDelay"] = "00:00:00.050",
            ["Helpdesk:MaxRetryDelay"] = "00:00:00.200",
            ["Helpdesk:RequestTimeout"] = "00:00:10",
        });

    private static async Task<Guid> ConfiguredTenantAsync(StorageTestHost host, HelpdeskReceiver receiver)
    {
        Guid tenantId = await host.CreateTenantAsync($"t{Guid.NewGuid():N}.example.com");
        using HttpClient client = host.OperatorClient();
        using HttpResponseMessage response = await client.PutAsJsonAsync(
            $"/api/tenants/{tenantId}/helpdesk/webhook", new HelpdeskWebhookRequest(receiver.HookUrl.ToString(), Secret));
        response.EnsureSuccessStatusCode();
        return tenantId;
    }

    /// <summary>A ticket committed the way the ticket code does it: the outbox row in the same SaveChanges.</summary>
    private static async Task<Ticket> CreateTicketAsync(StorageTestHost host, Guid tenantId, long number)
    {
        await using var scope = host.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        var ticket = new Ticket
        {
            Id = Guid.NewGuid(),
            Number = number,
            Subject = "Segunda via do boleto",
            Message = "Você pode me ligar às 15h? <urgente>",
            CallerNumber = "5511988887777",
            CallerName = "Maria",
            IntendedDestination = "Jeni - Financeiro",
            Reason = "transfer_failed:no_answer",
            Transcript = "caller: Quero falar com a Jeni",
            Summary = "Pede segunda via",
            RecordingUrl = $"/recordings/{tenantId}/call-{number}?token=abc",
            Priority = TicketPriority.High,
        };
        db.Tickets.Add(ticket);
        HelpdeskOutbox.Enqueue(db, ticket);
        await db.SaveChangesAsync();
        return ticket;
    }

    private static async Task<List<HelpdeskDeliveryView>> OutboxAsync(StorageTestHost host, Guid tenantId, string query = "")
    {
        using HttpClient client = host.OperatorClient();
        return (await client.GetFromJsonAsync<List<HelpdeskDeliveryView>>($"/api/tenants/{tenantId}/helpdesk/outbox{query}"))!;
    }
}
