using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Switchboard.LoadTest;

/// <summary>
/// The Switchboard server in its own process (<c>dotnet Switchboard.Server.dll</c>), configured through
/// environment variables: SQLite in the given data folder, sandbox PBX, a fixed operator key. Its CPU time
/// and RSS come from <c>/proc/&lt;pid&gt;</c>.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    public const string OperatorKey = "load-test-operator-key-0123456789";

    private readonly Process _process;
    private readonly TaskCompletionSource<IPEndPoint> _eslEndPoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StreamWriter _log;

    private ServerProcess(Process process, Uri baseAddress, StreamWriter log)
    {
        _process = process;
        BaseAddress = baseAddress;
        _log = log;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary>Where the PBX sandbox's Event Socket listens (read from the server's start-up log).</summary>
    public Task<IPEndPoint> EslEndPoint => _eslEndPoint.Task;

    /// <summary>
    /// Starts the server. <paramref name="externalPbx"/> null: the sandbox PBX inside the server (<c>Telephony:Mode=Sandbox</c>);
    /// otherwise <c>Telephony:Mode=FreeSwitch</c> connected to that Event Socket (the PBX host process).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string serverDll,
        string dataRoot,
        bool perfMap,
        string? gcServer,
        IEnumerable<(string Key, string Value)> environment,
        IPEndPoint? externalPbx,
        CancellationToken cancellationToken)
    {
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        start.ArgumentList.Add(serverDll);
        start.Environment["Urls"] = $"http://127.0.0.1:{port}"; // app configuration: wins over appsettings.json
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach ((string key, string value) in Configuration(dataRoot))
        {
            start.Environment[key] = value;
        }

        if (externalPbx is not null)
        {
            start.Environment["Telephony__Mode"] = "FreeSwitch";
            start.Environment["Telephony__EventSocketHost"] = externalPbx.Address.ToString();
            start.Environment["Telephony__EventSocketPort"] = externalPbx.Port.ToString(CultureInfo.InvariantCulture);
            start.Environment["Telephony__EventSocketPassword"] = "ClueCon";
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        if (gcServer is not null)
        {
            start.Environment["DOTNET_gcServer"] = gcServer;
        }

        if (perfMap)
        {
            start.Environment["DOTNET_PerfMapEnabled"] = "1"; // lets `perf report` name JIT-compiled methods
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0"; // code in one plain mapping perf can attribute
        }

        return await LaunchAsync(start, dataRoot, "server", new Uri($"http://127.0.0.1:{port}/"), "health/ready", cancellationToken);
    }

    /// <summary>
    /// Starts the PBX sandbox in a process of its own (this tool with <see cref="PbxHost.Flag"/>), its Event Socket on a
    /// free loopback port; <see cref="EslEndPoint"/> completes once it listens.
    /// </summary>
    public static async Task<ServerProcess> StartPbxAsync(string dataRoot, CancellationToken cancellationToken)
    {
        int port = FreePort();
        int eslPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Switchboard.LoadTest.dll"));
        foreach (string argument in (string[])[PbxHost.Flag, "--data", dataRoot, "--esl-port", eslPort.ToString(CultureInfo.InvariantCulture), "--urls", $"http://127.0.0.1:{port}"])
        {
            start.ArgumentList.Add(argument);
        }

        return await LaunchAsync(start, dataRoot, "pbx", new Uri($"http://127.0.0.1:{port}/"), "health", cancellationToken);
    }

    private static async Task<ServerProcess> LaunchAsync(ProcessStartInfo start, string dataRoot, string name, Uri baseAddress, string readyPath, CancellationToken cancellationToken)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var log = new StreamWriter(Path.Combine(dataRoot, $"{name}-{process.Id}.log")) { AutoFlush = true };
        var server = new ServerProcess(process, baseAddress, log);
        try
        {
            await server.WaitReadyAsync(dataRoot, readyPath, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task WaitReadyAsync(string dataRoot, string readyPath, CancellationToken cancellationToken)
    {
        Process process = _process;
        var server = this;
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Process {process.Id} exited with {process.ExitCode}; see its log in {dataRoot}");
            }

            try
            {
                using HttpResponseMessage ready = await http.GetAsync(new Uri(readyPath, UriKind.Relative), cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{server.BaseAddress} was not ready within 60 s.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The environment the server runs with (the same keys configure the seeding host).</summary>
    public static IEnumerable<(string Key, string Value)> Configuration(string dataRoot) =>
    [
        ("Data__Provider", "Sqlite"),
        ("Data__DataRoot", dataRoot),
        ("Data__SeedDemoTenant", "true"),
        ("Telephony__Mode", "Sandbox"),
        ("Security__AdminApiKey", OperatorKey),
        ("Logging__LogLevel__Default", "Warning"),
        ("Logging__LogLevel__Switchboard.Server.Telephony.SandboxHost", "Information"),
    ];

    /// <summary>utime + stime of the process so far (clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
        return TimeSpan.FromMilliseconds(ticks * 10.0);
    }

    /// <summary>Resident set size in bytes.</summary>
    public long Rss()
    {
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>
    /// The server's GC figures from its <c>/metrics</c> (the .NET runtime meter): managed heap after the last collection
    /// (all generations) and the memory the GC had committed then. Zeros when the scrape fails.
    /// </summary>
    public async Task<GcFigures> GcAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        try
        {
            string text = await http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
            long heap = 0;
            long committed = 0;
            foreach (string line in text.Split('\n'))
            {
                int space = line.LastIndexOf(' ');
                if (space < 0 || line.StartsWith('#'))
                {
                    continue;
                }

                if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
                {
                    heap += (long)double.Parse(line.AsSpan(space + 1), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("dotnet_gc_last_collection_memory_committed_size_bytes ", StringComparison.Ordinal))
                {
                    committed = (long)double.Parse(line.AsSpan(space + 1), CultureInfo.InvariantCulture);
                }
            }

            return new GcFigures(heap, committed);
        }
        catch (HttpRequestException)
        {
            return default;
        }
    }

    /// <summary>Threads of the process.</summary>
    public int Threads() => Directory.GetDirectories($"/proc/{Pid}/task").Length;

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }

        Match match = EslLine().Match(line);
        if (match.Success && IPEndPoint.TryParse(match.Groups[1].Value, out IPEndPoint? endPoint))
        {
            _eslEndPoint.TrySetResult(endPoint);
        }
    }

    [GeneratedRegex(@"Event Socket listens on ([0-9a-fA-F.:\[\]]+)")]
    private static partial Regex EslLine();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}

/// <summary>Managed heap after the last GC and the GC's committed memory, in bytes.</summary>
public readonly record struct GcFigures(long Heap, long Committed);
