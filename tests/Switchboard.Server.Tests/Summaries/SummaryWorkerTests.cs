using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Fakes;
using Switchboard.Fakes.Pipeline;
using Switchboard.Server.Data;
using Switchboard.Server.Summaries;
using Switchboard.Server.Tests.Recordings;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tests.Summaries;

public sealed class SummaryWorkerTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>, IDisposable
{
    private const string Model = "llama-3.1-8b-summary";
    private const string ApiKey = "sk-summary-test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "sb-summaries-" + Guid.NewGuid().ToString("N"));

    [Theory, SqliteData, PostgresData]
    public async Task Chat_model_summary_is_written_to_the_conversation_and_every_ticket_keeping_their_message_and_note(DatabaseProvider provider)
    {
        await using ChatCompletionsFake chat = await ChatCompletionsFake.StartAsync(ApiKey, Model);
        const string Answer = "Maria Souza ligou querendo falar com a Jeni do financeiro, que não atendeu. Ela deixou recado pedindo a segunda via do boleto de março (ticket #1).";
        chat.Enqueue([ChatCompletionsFake.Content(Answer[..40]), ChatCompletionsFake.Content(Answer[40..]), ChatCompletionsFake.Finish("stop")], splitSeed: 7);
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await host.CreateTenantAsync($"t{Guid.NewGuid():N}.example.com");
        await SummaryHost.AddPipelineProviderAsync(host, tenantId, chat.BaseUrl, Model, ApiKey);
        (Guid conversationId, Ticket ticket) = await SummaryHost.CallWithMessageAsync(host, tenantId);

        await host.Services.GetRequiredService<ConversationSummaries>().EnqueueAsync(tenantId, conversationId, CancellationToken.None);

        await Wait.UntilAsync(async () => (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))?.Status == ConversationSummaryStatus.Done, Patience);
        (string? summary, List<Ticket> tickets) = await SummaryHost.SummariesAsync(host, tenantId, conversationId);
        Assert.Equal(Answer, summary);
        Ticket stored = Assert.Single(tickets);
        Assert.Equal(Answer + "\n" + SummaryHost.VoiceNote, stored.Summary);
        Assert.Equal(SummaryHost.Message, stored.Message);
        ConversationSummary item = (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))!;
        Assert.Equal((SummaryWorker.Llm, 0), (item.Method, item.Attempts));
        Assert.NotNull(item.CompletedAt);

        JsonNode request = Assert.Single(chat.Requests);
        JsonArray messages = request["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Contains("pt-BR", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        string facts = messages[1]!["content"]!.GetValue<string>();
        Assert.Contains("Caller: Oi, quero falar com a Jeni do financeiro", facts, StringComparison.Ordinal);
        Assert.Contains($"Ticket #{ticket.Number} for Jeni - Financeiro", facts, StringComparison.Ordinal);
        Assert.Contains("Transfer to Jeni - Financeiro: NoAnswer", facts, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Provider_down_is_retried_then_the_extractive_summary_is_written(DatabaseProvider provider)
    {
        await using ChatCompletionsFake chat = await ChatCompletionsFake.StartAsync(ApiKey, Model);
        chat.EnqueueError(503, "The server is overloaded.", "server_error");
        chat.EnqueueError(500, "Internal error.", "server_error");
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await host.CreateTenantAsync($"t{Guid.NewGuid():N}.example.com");
        await SummaryHost.AddPipelineProviderAsync(host, tenantId, chat.BaseUrl, Model, ApiKey);
        (Guid conversationId, Ticket ticket) = await SummaryHost.CallWithMessageAsync(host, tenantId);

        await host.Services.GetRequiredService<ConversationSummaries>().EnqueueAsync(tenantId, conversationId, CancellationToken.None);

        await Wait.UntilAsync(async () => (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))?.Status == ConversationSummaryStatus.Done, Patience);
        ConversationSummary item = (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))!;
        Assert.Equal((SummaryWorker.Extractive, 2), (item.Method, item.Attempts));
        Assert.Contains("500", item.LastError, StringComparison.Ordinal);
        Assert.Equal(2, chat.Requests.Count);
        (string? summary, List<Ticket> tickets) = await SummaryHost.SummariesAsync(host, tenantId, conversationId);
        Assert.NotNull(summary);
        Assert.Contains(SummaryHost.Caller, summary, StringComparison.Ordinal);
        Assert.Contains("Jeni - Financeiro", summary, StringComparison.Ordinal);
        Assert.Contains($"#{ticket.Number}", summary, StringComparison.Ordinal);
        Assert.Contains(SummaryHost.Message, summary, StringComparison.Ordinal);
        Assert.StartsWith(summary, Assert.Single(tickets).Summary, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Tenant_without_a_chat_provider_gets_the_extractive_summary_at_once_and_a_second_enqueue_is_a_no_op(DatabaseProvider provider)
    {
        await using StorageTestHost host = await StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenantId = await host.CreateTenantAsync($"t{Guid.NewGuid():N}.example.com");
        (Guid conversationId, _) = await SummaryHost.CallWithMessageAsync(host, tenantId);
        ConversationSummaries queue = host.Services.GetRequiredService<ConversationSummaries>();

        await queue.EnqueueAsync(tenantId, conversationId, CancellationToken.None);
        await Wait.UntilAsync(async () => (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))?.Status == ConversationSummaryStatus.Done, Patience);
        ConversationSummary first = (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))!;
        await queue.EnqueueAsync(tenantId, conversationId, CancellationToken.None);

        ConversationSummary again = (await SummaryHost.WorkItemAsync(host, tenantId, conversationId))!;
        Assert.Equal((first.Id, ConversationSummaryStatus.Done, SummaryWorker.Extractive, 0), (again.Id, again.Status, again.Method, again.Attempts));
        (string? summary, _) = await SummaryHost.SummariesAsync(host, tenantId, conversationId);
        Assert.StartsWith($"{SummaryHost.Caller} ({SummaryHost.CallerNumber}) ligou", summary, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Pending_summary_survives_a_restart_and_the_next_node_finishes_it(DatabaseProvider provider)
    {
        await using ChatCompletionsFake chat = await ChatCompletionsFake.StartAsync(ApiKey, Model);
        chat.EnqueueError(503, "The server is overloaded.", "server_error");
        const string Answer = "Maria Souza pediu a segunda via do boleto; a Jeni não atendeu e ficou o ticket #1.";
        chat.Enqueue([ChatCompletionsFake.Content(Answer), ChatCompletionsFake.Finish("stop")]);
        string database = await databases.CreateDatabaseAsync(provider);
        var slowRetry = new Dictionary<string, string?> { ["Summaries:RetryDelay"] = "01:00:00", ["Summaries:MaxRetryDelay"] = "01:00:00" };
        Guid tenantId;
        Guid conversationId;
        await using (StorageTestHost first = await StartAsync(provider, database, slowRetry))
        {
            tenantId = await first.CreateTenantAsync($"t{Guid.NewGuid():N}.example.com");
            await SummaryHost.AddPipelineProviderAsync(first, tenantId, chat.BaseUrl, Model, ApiKey);
            (conversationId, _) = await SummaryHost.CallWithMessageAsync(first, tenantId);
            await first.Services.GetRequiredService<ConversationSummaries>().EnqueueAsync(tenantId, conversationId, CancellationToken.None);
            await Wait.UntilAsync(async () => (await SummaryHost.WorkItemAsync(first, tenantId, conversationId))?.Attempts == 1, Patience);
            Assert.Equal(ConversationSummaryStatus.Pending, (await SummaryHost.WorkItemAsync(first, tenantId, conversationId))!.Status);
        }

        // The next node starts once the retry is due (its clock two hours on).
        var later = new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        await using StorageTestHost second = await StartAsync(provider, database, slowRetry, later);

        await Wait.UntilAsync(async () => (await SummaryHost.WorkItemAsync(second, tenantId, conversationId))?.Status == ConversationSummaryStatus.Done, Patience);
        Assert.Equal(SummaryWorker.Llm, (await SummaryHost.WorkItemAsync(second, tenantId, conversationId))!.Method);
        Assert.Equal(Answer, (await SummaryHost.SummariesAsync(second, tenantId, conversationId)).Conversation);
        Assert.Equal(2, chat.Requests.Count);
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

    private Task<StorageTestHost> StartAsync(
        DatabaseProvider provider, string connectionString, IDictionary<string, string?>? extra = null, TimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Summaries:PollInterval"] = "00:00:00.050",
            ["Summaries:RetryDelay"] = "00:00:00.050",
            ["Summaries:MaxRetryDelay"] = "00:00:00.200",
            ["Summaries:MaxAttempts"] = "2",
            ["Summaries:RequestTimeout"] = "00:00:10",
        };
        foreach ((string key, string? value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return StorageTestHost.StartAsync(provider, connectionString, _dataRoot, settings, time);
    }
}
