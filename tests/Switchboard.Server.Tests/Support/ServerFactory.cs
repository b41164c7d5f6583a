using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Server.Tests.Support;

/// <summary>
/// The real <c>Program</c> in a test host, with its own empty data folder (<c>Data:DataRoot</c>), deleted on dispose.
/// In memory by default; <see cref="KestrelSwitchboardServerFactory"/> (or <c>UseKestrel(0)</c> before first use)
/// runs real Kestrel on a loopback port for WebSocket and socket tests, reachable at <see cref="ServerAddress"/>.
/// Configure before first use with <see cref="UseSetting"/> and <see cref="AddTestServices"/>, which work in both modes
/// (<c>WithWebHostBuilder</c> does not carry Kestrel mode over to the derived factory).
/// </summary>
public class SwitchboardServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> _testServices = [];
    private bool _built;

    public SwitchboardServerFactory()
    {
        DataRoot = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataRoot);
        _settings["Data:DataRoot"] = DataRoot;
    }

    /// <summary>This host's private data folder, also the configuration value <c>Data:DataRoot</c>.</summary>
    public string DataRoot { get; }

    /// <summary>
    /// Where the server listens: the loopback address and port Kestrel bound (with <c>UseKestrel(0)</c>),
    /// else the in-memory server's <c>http://localhost/</c>. Starts the server.
    /// </summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    /// <summary>A <c>ws://</c> address on this server, for <see cref="System.Net.WebSockets.ClientWebSocket"/>.</summary>
    public Uri WebSocketAddress(string pathAndQuery) =>
        new UriBuilder(new Uri(ServerAddress, pathAndQuery)) { Scheme = ServerAddress.Scheme == "https" ? "wss" : "ws" }.Uri;

    /// <summary>Sets a configuration value seen by <c>Program</c> from the start (host setting).</summary>
    public SwitchboardServerFactory UseSetting(string key, string? value)
    {
        ThrowIfBuilt();
        _settings[key] = value;
        return this;
    }

    /// <summary>Registers or replaces services after <c>Program</c>'s own registrations.</summary>
    public SwitchboardServerFactory AddTestServices(Action<IServiceCollection> configure)
    {
        ThrowIfBuilt();
        _testServices.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _built = true;
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _testServices)
            {
                configure(services);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A file still held open by a leaked handle: the temp folder is cleaned by the OS eventually.
        }
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("Configure the factory before the server starts.");
        }
    }
}

/// <summary>The same host on real Kestrel, loopback, port chosen by the OS.</summary>
public class KestrelSwitchboardServerFactory : SwitchboardServerFactory
{
    public KestrelSwitchboardServerFactory()
    {
        UseKestrel(0);
    }
}
