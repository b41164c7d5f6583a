using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Recordings;
using Switchboard.Server.Tests.Summaries;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tickets.Helpdesk;

namespace Switchboard.Server.Tests.Helpdesk;

/// <summary>A ticket taken during a call reaches the helpdesk with the call's summary and recording link.</summary>
public sealed class HelpdeskSummaryTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>, IDisposable
{
    private const string Secret = "s3cr3t-shared-with-the-helpdesk";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "sb-helpdesk-summary-" + Guid.NewGuid().ToString("N"));

    [Theory, SqliteData, PostgresData]
    public async Task Ticket_of_a_live_call_is_held_until_the_call_ends_then_sent_with_its_summary_and_recording_link(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync();
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider), summaryWait: "00:01:00");
        Guid tenantId = await ConfiguredTenantAsync(host, receiver);
        (Guid conversationId, Ticket ticket) = await SummaryHost.CallWithMessageAsync(host, tenantId, ended: false);

        // The dispatcher looked at the delivery and put it off: nothing sent, no try counted.
        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().NextAttemptAt > DateTimeOffset.UnixEpoch.AddYears(1), Patience);
        HelpdeskDeliveryView held = (await OutboxAsync(host, tenantId)).Single();
        Assert.Equal((HelpdeskDeliveryStatus.Pending, 0), (held.Status, held.Attempts));
        Assert.Empty(receiver.Received);

        string link = $"/recordings/{tenantId}/{Guid.NewGuid()}?token=t0k3n";
        await using (AsyncServiceScope scope = host.Scope(tenantId))
        {
            await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().Tickets.Where(t => t.Id == ticket.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.RecordingUrl, link));
        }

        await SummaryHost.EndCallAsync(host, tenantId, conversationId);

        await Wait.UntilAsync(() => receiver.Received.Count == 1, Patience);
        (string? summary, List<Ticket> tickets) = await SummaryHost.SummariesAsync(host, tenantId, conversationId);
        Assert.NotNull(summary);
        Assert.Contains(SummaryHost.Caller, summary, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(receiver.Received.Single().Body);
        JsonElement root = json.RootElement;
        Assert.Equal(summary + "\n" + SummaryHost.VoiceNote, root.GetProperty("summary").GetString());
        Assert.Equal(tickets.Single().Summary, root.GetProperty("summary").GetString());
        Assert.Equal(SummaryHost.Message, root.GetProperty("message").GetString());
        Assert.Equal(link, root.GetProperty("recording_url").GetString());
        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Delivered, Patience);
        Assert.Equal(1, (await OutboxAsync(host, tenantId)).Single().Attempts);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Held_ticket_is_still_sent_once_the_wait_is_over_even_if_the_call_never_ends(DatabaseProvider provider)
    {
        await using HelpdeskReceiver receiver = await HelpdeskReceiver.StartAsync();
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider), summaryWait: "00:00:00.500");
        Guid tenantId = await ConfiguredTenantAsync(host, receiver);
        (_, Ticket ticket) = await SummaryHost.CallWithMessageAsync(host, tenantId, ended: false);

        await Wait.UntilAsync(() => receiver.Received.Count == 1, Patience);

        using JsonDocument json = JsonDocument.Parse(receiver.Received.Single().Body);
        Assert.Equal(ticket.Number, json.RootElement.GetProperty("ticket_number").GetInt64());
        Assert.Equal(SummaryHost.VoiceNote, json.RootElement.GetProperty("summary").GetString());
        await Wait.UntilAsync(async () => (await OutboxAsync(host, tenantId)).Single().Status == HelpdeskDeliveryStatus.Delivered, Patience);
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

    private Task<StorageTestHost> StartAsync(DatabaseProvider provider, string connectionString, string summaryWait) =>
        StorageTestHost.StartAsync(provider, connectionString, _dataRoot, new Dictionary<string, string?>
        {
            ["Helpdesk:PollInterval"] = "00:00:00.050",
            ["Helpdesk:RetryDelay"] = "00:00:00.050",
            ["Helpdesk:MaxRetryDelay"] = "00:00:00.200",
            ["Helpdesk:SummaryWait"] = summaryWait,
            ["Summaries:PollInterval"] = "00:00:00.050",
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

    private static async Task<List<HelpdeskDeliveryView>> OutboxAsync(StorageTestHost host, Guid tenantId)
    {
        using HttpClient client = host.OperatorClient();
        return (await client.GetFromJsonAsync<List<HelpdeskDeliveryView>>($"/api/tenants/{tenantId}/helpdesk/outbox"))!;
    }
}
