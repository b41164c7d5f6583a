using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox;
using Switchboard.Server.Data;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Execution;

namespace Switchboard.Server.Tests.Transfers;

/// <summary>The product host with transfers added, its built-in sandbox PBX and its Event Socket connection; helpers
/// to place a parked caller, save destinations, and look at the PBX the way an operator would
/// (<c>show channels</c>, <c>conference … list</c>).</summary>
public sealed class TransferServer : SwitchboardServerFactory
{
    /// <summary>A number in the secretary range with no secretary: the sandbox answers and parks it, and the product
    /// leaves it alone (no media stream), so the call is just a parked caller.</summary>
    public const string ParkingNumber = "8999";

    public TransferServer()
    {
        AddTestServices(services => services.AddTransfers());
    }

    public SandboxPbx Pbx => Services.GetRequiredService<SandboxPbx>();

    public EventSocketClient Esl => Services.GetRequiredService<PbxConnection>().Client;

    public TransferExecutor Executor => Services.GetRequiredService<TransferExecutor>();

    /// <summary>Places an inbound call that the dialplan answers and parks; returns once it is parked.</summary>
    public async Task<TestCaller> PlaceParkedCallerAsync(string callerNumber = "+5511987650000", string callerName = "Maria Silva")
    {
        _ = Esl; // the host (and its sandbox) starts on first use
        SandboxChannel channel = await Pbx.PlaceInboundCallAsync(new SandboxCallRequest
        {
            DomainName = DemoTenant.DomainName,
            Destination = ParkingNumber,
            CallerIdNumber = callerNumber,
            CallerIdName = callerName,
        });
        await Wait.UntilAsync(async () => await ApplicationOfAsync(channel.Uuid) == "park");
        return new TestCaller(channel.Uuid, DemoTenant.Id, callerNumber, callerName);
    }

    /// <summary>Saves a destination of the demo tenant (attempt rows reference it) and gives its phone a behaviour.</summary>
    public async Task<TransferDestination> AddDestinationAsync(string number, SimulatedExtension phone, Action<TransferDestination>? configure = null)
    {
        _ = Esl;
        Pbx.ConfigureExtension(DemoTenant.DomainName, number, phone);
        var destination = new TransferDestination
        {
            Id = Guid.NewGuid(),
            TenantId = DemoTenant.Id,
            Name = $"Pessoa {number}",
            DestinationType = TransferDestinationType.Extension,
            DestinationNumber = number,
            DestinationContext = DemoTenant.DomainName,
            RingTimeoutSeconds = 10,
            MaxRetries = 0,
            RetryDelaySeconds = 0,
        };
        configure?.Invoke(destination);
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.TransferDestinations.Add(destination);
        await db.SaveChangesAsync();
        return destination;
    }

    public async Task<List<TransferAttempt>> AttemptsAsync(string callUuid)
    {
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        List<TransferAttempt> rows = await db.TransferAttempts.AsNoTracking().Where(a => a.CallUuid == callUuid).ToListAsync();
        return [.. rows.OrderBy(a => a.AttemptNumber)];
    }

    /// <summary><c>show channels as json</c>: uuid → application of every live channel.</summary>
    public async Task<Dictionary<string, string>> ChannelsAsync()
    {
        string listing = await Esl.ApiAsync("show channels as json", CancellationToken.None);
        using JsonDocument document = JsonDocument.Parse(listing);
        var channels = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("rows", out JsonElement rows))
        {
            foreach (JsonElement row in rows.EnumerateArray())
            {
                channels[row.GetProperty("uuid").GetString()!] = row.GetProperty("application").GetString() ?? "";
            }
        }

        return channels;
    }

    public async Task<string?> ApplicationOfAsync(string uuid) =>
        (await ChannelsAsync()).TryGetValue(uuid, out string? application) ? application : null;

    /// <summary>After a transfer that did not connect: the caller is the only channel left and it is parked, and no
    /// transfer conference exists.</summary>
    public async Task AssertCallerAloneInParkAsync(TestCaller caller, string? conference)
    {
        // A hung-up leg leaves the registry a moment after its hangup events.
        await Wait.UntilAsync(async () => (await ChannelsAsync()).Count == 1);
        Dictionary<string, string> channels = await ChannelsAsync();
        Assert.Equal("park", Assert.Contains(caller.CallUuid, channels));
        Assert.DoesNotContain("transfer_", await Esl.ApiAsync("conference list", CancellationToken.None), StringComparison.Ordinal);
        if (conference is not null)
        {
            Assert.Empty(await Esl.ConferenceListAsync(conference, CancellationToken.None));
        }
    }

    /// <summary>Hangs up every channel and waits until the PBX has none, so the next test starts clean.</summary>
    public async Task HangUpEverythingAsync()
    {
        foreach (SandboxChannel channel in Pbx.Channels)
        {
            await channel.HangupAsync();
        }

        await Wait.UntilAsync(async () => (await ChannelsAsync()).Count == 0);
    }
}

/// <summary>The voice session's side, recorded: how often the secretary was paused and resumed.</summary>
public sealed class TestCaller(string callUuid, Guid tenantId, string callerNumber, string? callerName) : ITransferCaller
{
    private int _paused;
    private int _resumed;

    public string CallUuid { get; } = callUuid;

    public Guid TenantId { get; } = tenantId;

    public string CallerNumber { get; } = callerNumber;

    public string? CallerName { get; } = callerName;

    public int Paused => Volatile.Read(ref _paused);

    public int Resumed => Volatile.Read(ref _resumed);

    public Task PauseAgentAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _paused);
        return Task.CompletedTask;
    }

    public Task ResumeAgentAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _resumed);
        return Task.CompletedTask;
    }
}
