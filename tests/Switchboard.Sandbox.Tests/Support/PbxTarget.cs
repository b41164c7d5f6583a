using System.Globalization;

namespace Switchboard.Sandbox.Tests.Support;

/// <summary>
/// What the conformance suite runs against: a fresh <see cref="SandboxPbx"/> by default, or a real FreeSWITCH 1.10
/// with mod_audio_stream and deploy/freeswitch/conformance-dialplan.xml when
/// <c>SWITCHBOARD_TEST_FREESWITCH=host:port:password</c> is set. Tests talk to it only over the event socket.
/// </summary>
/// <remarks>
/// Real FreeSWITCH extras: <c>SWITCHBOARD_TEST_FREESWITCH_DOMAIN</c> (the directory domain, default: the host) and
/// <c>SWITCHBOARD_TEST_FREESWITCH_UNREGISTERED_USER</c> (a directory user with no registration, default
/// <c>1000</c>, present in the vanilla configuration).
/// </remarks>
public sealed class PbxTarget : IAsyncLifetime
{
    public const string Variable = "SWITCHBOARD_TEST_FREESWITCH";

    private string _temp = string.Empty;

    /// <summary>The sandbox being tested, or null against a real FreeSWITCH.</summary>
    public SandboxPbx? Sandbox { get; private set; }

    public bool IsSandbox => Sandbox is not null;

    public string Host { get; private set; } = "127.0.0.1";

    public int Port { get; private set; }

    public string Password { get; private set; } = "ClueCon";

    /// <summary>The user directory domain (the sandbox mirrors FreeSWITCH's default: the host address).</summary>
    public string Domain { get; private set; } = "127.0.0.1";

    /// <summary>A user of <see cref="Domain"/> that exists but is not registered.</summary>
    public string UnregisteredUser { get; private set; } = "1000";

    public async Task InitializeAsync()
    {
        var setting = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(setting))
        {
            var parts = setting.Split(':');
            Host = parts[0];
            Port = int.Parse(parts[1], CultureInfo.InvariantCulture);
            Password = parts.Length > 2 ? string.Join(':', parts[2..]) : "ClueCon";
            Domain = Environment.GetEnvironmentVariable(Variable + "_DOMAIN") ?? Host;
            UnregisteredUser = Environment.GetEnvironmentVariable(Variable + "_UNREGISTERED_USER") ?? "1000";
            return;
        }

        _temp = Path.Combine(Path.GetTempPath(), "sandbox-tests-" + Guid.NewGuid().ToString("N"));
        Sandbox = new SandboxPbx(new SandboxOptions
        {
            TempDirectory = Path.Combine(_temp, "tmp"),
            RecordingsDirectory = Path.Combine(_temp, "recordings"),
        });
        await Sandbox.StartAsync();
        Sandbox.AddDomain(Guid.NewGuid(), Domain);
        Sandbox.ConfigureExtension(Domain, UnregisteredUser, new SimulatedExtension { Behaviour = ExtensionBehaviour.NotRegistered });
        Port = Sandbox.EslEndPoint.Port;
    }

    public async Task DisposeAsync()
    {
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
            try
            {
                Directory.Delete(_temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>An authenticated event socket connection.</summary>
    public Task<EslTestClient> ConnectAsync() => EslTestClient.ConnectAuthenticatedAsync(Host, Port, Password);

    /// <summary>A raw connection (the greeting is not read).</summary>
    public Task<EslTestClient> ConnectRawAsync() => EslTestClient.ConnectAsync(Host, Port);

    /// <summary>A UUID whose <c>atoi()</c> value is <paramref name="leadingNumber"/> (for the conference target tests).</summary>
    public static string UuidStartingWith(int leadingNumber)
    {
        var prefix = leadingNumber.ToString(CultureInfo.InvariantCulture);
        var guid = Guid.NewGuid().ToString();
        return prefix + "a" + guid[(prefix.Length + 1)..];
    }
}

[CollectionDefinition(Name)]
public sealed class ConformanceCollection : ICollectionFixture<PbxTarget>
{
    public const string Name = "Conformance";
}
