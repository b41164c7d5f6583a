using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Switchboard.LoadTest;

/// <summary>One measured call count: what the table shows.</summary>
public sealed record LoadResult(
    int Calls,
    int Connected,
    double ServerCpuPercent,
    long IdleRss,
    long LoadedRss,
    int Threads,
    Percentiles CallerToProvider,
    Percentiles ProviderToPbx,
    double Delivered,
    long Answers,
    double LoadToolCpuPercent,
    string LoadAverage,
    Percentiles TimerLateness,
    double? PbxCpuPercent = null,
    long PbxRssDelta = 0,
    GcFigures IdleGc = default,
    GcFigures LoadedGc = default)
{
    /// <summary>Managed heap (live after the last GC) the calls added, per call.</summary>
    public double HeapPerCallMb => (LoadedGc.Heap - IdleGc.Heap) / (double)Calls / (1024 * 1024);

    /// <summary>Memory the GC committed (heap, gen0 budget, free space kept) that the calls added, per call.</summary>
    public double GcCommittedPerCallMb => (LoadedGc.Committed - IdleGc.Committed) / (double)Calls / (1024 * 1024);

    public double CpuPercentPerCall => ServerCpuPercent / Calls;

    public double RssPerCallMb => (LoadedRss - IdleRss) / (double)Calls / (1024 * 1024);

    /// <summary>Server plus the PBX host process (the whole simulated system bar the provider fake), per call.</summary>
    public double? WithPbxCpuPercentPerCall => PbxCpuPercent is { } pbx ? (ServerCpuPercent + pbx) / Calls : null;

    public double? WithPbxRssPerCallMb => PbxCpuPercent is null ? null : (LoadedRss - IdleRss + PbxRssDelta) / (double)Calls / (1024 * 1024);

    /// <summary>Every call reached the provider and at least 99 % of the caller audio due in the window arrived there.</summary>
    public bool KeepsUp => Connected == Calls && Delivered >= 0.99;

    public bool Within(double limitMs) => KeepsUp && CallerToProvider.P99 <= limitMs && ProviderToPbx.P99 <= limitMs;
}

public readonly record struct Percentiles(int Count, double P50, double P99, double Max)
{
    public static Percentiles Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN);
        }

        values.Sort();
        double At(double p) => values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
        return new Percentiles(values.Count, At(0.50), At(0.99), values[^1]);
    }

    public override string ToString() => Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{P50:0.00} / {P99:0.00}");
}

/// <summary>Runs the counts: a fresh server process per count, calls placed through the sandbox API, a measured window.</summary>
public sealed class LoadRunner(LoadOptions options, string dataRoot, string serverDll, string callerWav, RealtimeLoadFake fake, TextWriter log)
{
    private const int PlaceConcurrency = 8;

    public async Task<LoadResult> RunAsync(int calls, bool hold, CancellationToken cancellationToken)
    {
        // The PBX in a process of its own (the server in FreeSWITCH mode against its Event Socket), or inside the server.
        await using ServerProcess? pbx = options.ExternalPbx ? await ServerProcess.StartPbxAsync(dataRoot, cancellationToken) : null;
        IPEndPoint? pbxEsl = pbx is null ? null : await pbx.EslEndPoint.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        await using ServerProcess server = await ServerProcess.StartAsync(serverDll, dataRoot, options.PerfMap, options.GcServer, options.Environment, pbxEsl, cancellationToken);
        await using PlayWatcher plays = await PlayWatcher.StartAsync(
            pbxEsl ?? await server.EslEndPoint.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken), cancellationToken);
        using var api = new HttpClient { BaseAddress = (pbx ?? server).BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Add("X-Api-Key", ServerProcess.OperatorKey);
        string callsPath = pbx is null ? "api/sandbox/calls" : "calls";

        // Two warm-up calls first (JIT, EF model, connection pools, first file writes), then the idle baseline, so that
        // memory per call is what the calls add rather than the server's one-time start-up work.
        long opened = fake.SessionsOpened;
        List<string> warmup = await PlaceCallsAsync(api, callsPath, 2, cancellationToken);
        var warming = Stopwatch.StartNew();
        while (fake.SessionsOpened - opened < 2 && warming.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
        await HangUpAsync(api, callsPath, warmup, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        long idleRss = server.Rss();
        GcFigures idleGc = await server.GcAsync(cancellationToken);
        long pbxIdleRss = pbx?.Rss() ?? 0;
        opened = fake.SessionsOpened;

        log.WriteLine($"[{calls}] server pid {server.Pid}: idle RSS {idleRss / 1048576.0:0.0} MB; placing {calls} calls");
        var placing = Stopwatch.StartNew();
        List<string> uuids = await PlaceCallsAsync(api, callsPath, calls, cancellationToken);
        TimeSpan connectLimit = TimeSpan.FromSeconds(30 + (calls / 10.0) + (calls / options.CallsPerSecond));
        while (fake.SessionsOpened - opened < calls && placing.Elapsed < connectLimit)
        {
            await Task.Delay(200, cancellationToken);
        }

        int connected = (int)Math.Min(calls, fake.SessionsOpened - opened);
        log.WriteLine($"[{calls}] {uuids.Count} placed, {connected} provider sessions in {placing.Elapsed.TotalSeconds:0.0} s; warming up");
        await Task.Delay(options.Warmup, cancellationToken);

        // The measured window.
        fake.BeginWindow();
        plays.BeginWindow();
        TimeSpan serverCpu0 = server.CpuTime();
        TimeSpan pbxCpu0 = pbx?.CpuTime() ?? TimeSpan.Zero;
        TimeSpan selfCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var window = Stopwatch.StartNew();
        List<double> lateness = await MeasureTimerLatenessAsync(options.Window, cancellationToken);
        double seconds = window.Elapsed.TotalSeconds;
        TimeSpan serverCpu = server.CpuTime() - serverCpu0;
        TimeSpan pbxCpu = (pbx?.CpuTime() ?? TimeSpan.Zero) - pbxCpu0;
        TimeSpan selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfCpu0;
        long loadedRss = server.Rss();
        GcFigures loadedGc = await server.GcAsync(cancellationToken);
        long pbxRssDelta = (pbx?.Rss() ?? 0) - pbxIdleRss;
        int threads = server.Threads();
        (List<double> inbound, long appends, long answers) = fake.EndWindow();
        List<double> outbound = plays.EndWindow();
        string loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0];

        var result = new LoadResult(
            calls,
            connected,
            100 * serverCpu.TotalSeconds / seconds,
            idleRss,
            loadedRss,
            threads,
            Percentiles.Of(inbound),
            Percentiles.Of(outbound),
            appends / (calls * 50.0 * seconds),
            answers,
            100 * selfCpu.TotalSeconds / seconds,
            loadAverage,
            Percentiles.Of(lateness),
            pbx is null ? null : 100 * pbxCpu.TotalSeconds / seconds,
            pbxRssDelta,
            idleGc,
            loadedGc);
        log.WriteLine(
            $"[{calls}] server CPU {result.ServerCpuPercent:0.0} % ({result.CpuPercentPerCall:0.000} %/call), RSS +{result.RssPerCallMb:0.000} MB/call " +
            $"(managed heap +{result.HeapPerCallMb:0.000}, GC committed +{result.GcCommittedPerCallMb:0.000}, threads {threads}), " +
            (pbx is null ? "" : $"with the PBX host {result.WithPbxCpuPercentPerCall:0.000} %/call, +{result.WithPbxRssPerCallMb:0.000} MB/call, ") +
            $"caller→provider {result.CallerToProvider} ms, provider→PBX {result.ProviderToPbx} ms ({plays.StampedPlays} stamped of {plays.Plays} plays), " +
            $"delivered {100 * result.Delivered:0.0} %, load tool CPU {result.LoadToolCpuPercent:0} %, load {loadAverage}, " +
            $"20 ms timer lateness in the load tool {result.TimerLateness} ms");

        if (hold && options.Hold > TimeSpan.Zero)
        {
            log.WriteLine($"[{calls}] holding the calls for {options.Hold.TotalSeconds:0} s (server pid {server.Pid})");
            await Task.Delay(options.Hold, cancellationToken);
        }

        await HangUpAsync(api, callsPath, uuids, cancellationToken);
        return result;
    }

    /// <summary>
    /// The machine's noise floor: how late a 20 ms timer wakes in this process while the window runs (lateness beyond
    /// its grid point). Latencies below this cannot be told apart from scheduling on the shared cores.
    /// </summary>
    private static async Task<List<double>> MeasureTimerLatenessAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var lateness = new List<double>((int)(duration.TotalMilliseconds / 20) + 1);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        long start = Stopwatch.GetTimestamp();
        long tick = 0;
        while (Stopwatch.GetElapsedTime(start) < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            tick = Math.Max(tick + 1, (long)(elapsed / 20));
            lateness.Add(Math.Max(0, elapsed - (tick * 20)));
        }

        return lateness;
    }

    private async Task<List<string>> PlaceCallsAsync(HttpClient api, string path, int calls, CancellationToken cancellationToken)
    {
        var uuids = new List<string>(calls);
        using var gate = new SemaphoreSlim(PlaceConcurrency);
        var tasks = new List<Task>(calls);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            // Calls arrive at a steady rate, not in one burst: a burst of hundreds of provider handshakes on a cold server
            // measures the connect timeout, not the steady state.
            TimeSpan due = TimeSpan.FromSeconds(i / options.CallsPerSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            int number = i;
            tasks.Add(PlaceOneAsync(number));
        }

        await Task.WhenAll(tasks);
        return uuids;

        async Task PlaceOneAsync(int number)
        {
            try
            {
                using HttpResponseMessage response = await api.PostAsJsonAsync(
                    path,
                    new { destination = "8000", callerIdNumber = $"+55119{number:D8}", wavFile = callerWav },
                    cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    log.WriteLine($"call {number}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return;
                }

                using var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonDocument>(cancellationToken);
                lock (uuids)
                {
                    uuids.Add(body!.RootElement.GetProperty("uuid").GetString()!);
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static async Task HangUpAsync(HttpClient api, string path, List<string> uuids, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(PlaceConcurrency);
        await Task.WhenAll(uuids.Select(async uuid =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                using HttpResponseMessage response = await api.DeleteAsync(new Uri($"{path}/{uuid}", UriKind.Relative), cancellationToken);
            }
            catch (HttpRequestException)
            {
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    public static string Table(IReadOnlyList<LoadResult> results)
    {
        var table = new StringBuilder();
        table.AppendLine("| calls | server CPU (% of a core) | per call | RSS per call (managed heap) | server + PBX per call (CPU / RSS) | caller → provider p50 / p99 (ms) | provider → PBX p50 / p99 (ms) | audio delivered | answers in window | load tool CPU | load avg | 20 ms timer lateness p50 / p99 (ms) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (LoadResult r in results)
        {
            table.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Calls}{(r.Connected < r.Calls ? $" ({r.Connected} connected)" : "")} | {r.ServerCpuPercent:0.0} % | {r.CpuPercentPerCall:0.000} % | {r.RssPerCallMb:0.000} MB ({r.HeapPerCallMb:0.000}) | {(r.PbxCpuPercent is null ? "(PBX in server)" : $"{r.WithPbxCpuPercentPerCall:0.000} % / {r.WithPbxRssPerCallMb:0.000} MB")} | {r.CallerToProvider} | {r.ProviderToPbx} | {100 * r.Delivered:0.0} % | {r.Answers} | {r.LoadToolCpuPercent:0} % | {r.LoadAverage} | {r.TimerLateness} |"));
        }

        return table.ToString();
    }
}
