using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.EventSocket;

public sealed class HeartbeatTests
{
    [Fact]
    public async Task Heartbeat_fires_at_the_configured_interval_with_the_system_status()
    {
        var root = Path.Combine(Path.GetTempPath(), "sandbox-hb-" + Guid.NewGuid().ToString("N"));
        await using var pbx = new SandboxPbx(new SandboxOptions
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            TempDirectory = Path.Combine(root, "tmp"),
            RecordingsDirectory = Path.Combine(root, "rec"),
        });
        await pbx.StartAsync();
        await using var client = await EslTestClient.ConnectAuthenticatedAsync("127.0.0.1", pbx.EslEndPoint.Port, "ClueCon");
        await client.CommandAsync("event json HEARTBEAT");

        var first = await client.WaitForEventAsync("HEARTBEAT");
        var second = await client.WaitForEventAsync("HEARTBEAT");

        Assert.Equal("System Ready", first["Event-Info"]);
        Assert.Matches(@"^\d+ years?, \d+ days?, \d+ hours?, \d+ minutes?, \d+ seconds?, \d+ milliseconds?, \d+ microseconds?$", first["Up-Time"]!);
        Assert.Equal("0", first["Session-Count"]);
        Assert.True(long.Parse(second["Event-Sequence"]!) > long.Parse(first["Event-Sequence"]!));
    }
}
