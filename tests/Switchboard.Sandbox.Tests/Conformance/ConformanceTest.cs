using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Conformance;

/// <summary>
/// Base of the conformance suite: every test here must hold for the sandbox and for a real FreeSWITCH 1.10 with
/// mod_audio_stream and deploy/freeswitch/conformance-dialplan.xml. Channels a test creates are killed afterwards.
/// </summary>
[Collection(ConformanceCollection.Name)]
public abstract class ConformanceTest : IAsyncLifetime
{
    private readonly List<EslTestClient> _clients = [];
    private readonly List<string> _channels = [];

    protected ConformanceTest(PbxTarget target)
    {
        Target = target;
    }

    protected PbxTarget Target { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_channels.Count > 0)
        {
            await using var cleanup = await Target.ConnectAsync();
            foreach (var uuid in _channels)
            {
                var other = await cleanup.ApiAsync($"uuid_getvar {uuid} other_loopback_leg_uuid");
                await cleanup.ApiAsync($"uuid_kill {uuid}");
                if (other.Length == 36)
                {
                    await cleanup.ApiAsync($"uuid_kill {other}");
                }
            }
        }

        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>An authenticated connection, closed after the test.</summary>
    protected async Task<EslTestClient> ConnectAsync()
    {
        var client = await Target.ConnectAsync();
        _clients.Add(client);
        return client;
    }

    /// <summary>A connection subscribed to the given events (json), closed after the test.</summary>
    protected async Task<EslTestClient> ListenAsync(string events, string format = "json")
    {
        var client = await ConnectAsync();
        var reply = await client.CommandAsync($"event {format} {events}");
        Assert.Equal($"+OK event listener enabled {format}", reply.ReplyText);
        return client;
    }

    /// <summary>Marks a channel for cleanup.</summary>
    protected string Track(string uuid)
    {
        _channels.Add(uuid);
        return uuid;
    }

    /// <summary><c>originate {origination_uuid=…}loopback/&lt;ext&gt; &amp;park()</c>; returns the a-leg UUID.</summary>
    protected async Task<string> ParkAsync(EslTestClient client, string extension = "7441", string? uuid = null)
    {
        uuid ??= Guid.NewGuid().ToString();
        Track(uuid);
        var reply = await client.ApiAsync($"originate {{origination_uuid={uuid}}}loopback/{extension} &park()");
        Assert.Equal($"+OK {uuid}\n", reply);
        return uuid;
    }
}
