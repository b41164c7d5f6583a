using Switchboard.LoadTest;

if (args.Length > 0 && args[0] == PbxHost.Flag)
{
    return await PbxHost.RunAsync(args);
}

LoadOptions? options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    options = null;
}

if (options is null)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

string serverDll = options.ServerDll ?? DefaultServerDll();
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"Server not built: {serverDll} (build with -c Release, or pass --server-dll)");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

string dataRoot = Directory.CreateTempSubdirectory("switchboard-load-").FullName;
TextWriter log = Console.Error;
log.WriteLine($"data: {dataRoot}; server: {serverDll}; {Environment.ProcessorCount} cores");
await using RealtimeLoadFake fake = await RealtimeLoadFake.StartAsync();
await Seeder.SeedAsync(dataRoot, fake.Endpoint, stop.Token);
string callerWav = CallerWav.Write(dataRoot, options.Window + options.Warmup + TimeSpan.FromMinutes(3));
var runner = new LoadRunner(options, dataRoot, serverDll, callerWav, fake, log);

var results = new List<LoadResult>();
for (int i = 0; i < options.Counts.Count; i++)
{
    results.Add(await runner.RunAsync(options.Counts[i], hold: !options.Search && i == options.Counts.Count - 1, stop.Token));
}

var notes = new List<string>();
if (options.Search)
{
    await SearchAsync(r => r.Within(options.P99LimitMs), $"p99 ≤ {options.P99LimitMs} ms on both hops");

    // Capacity, whatever the latency: where calls stop connecting or the caller audio stops arriving in time.
    await SearchAsync(r => r.KeepsUp, "every call connected to the provider and ≥ 99 % of the caller audio delivered");
}

// Largest N meeting the criterion: double from the best measured count until it fails, then bisect to within 10 %.
async Task<int> SearchAsync(Func<LoadResult, bool> passes, string criterion)
{
    int good = results.Where(passes).Select(r => r.Calls).DefaultIfEmpty(0).Max();
    int bad = results.Where(r => !passes(r) && r.Calls > good).Select(r => r.Calls).DefaultIfEmpty(int.MaxValue).Min();
    while (bad == int.MaxValue && good > 0 && good < options.Max)
    {
        int next = Math.Min(options.Max, good * 2);
        LoadResult r = await runner.RunAsync(next, hold: false, stop.Token);
        results.Add(r);
        (good, bad) = passes(r) ? (next, bad) : (good, next);
    }

    while (bad != int.MaxValue && bad - good > Math.Max(10, good / 10))
    {
        int next = (good + bad) / 2;
        LoadResult r = await runner.RunAsync(next, hold: false, stop.Token);
        results.Add(r);
        (good, bad) = passes(r) ? (next, bad) : (good, next);
    }

    notes.Add($"Largest N with {criterion}: **{good}**" + (bad == int.MaxValue ? $" (search bound {options.Max})" : $" ({bad} fails)"));
    return good;
}

string table = LoadRunner.Table([.. results.OrderBy(r => r.Calls)]);
Console.WriteLine(table);
foreach (string note in notes)
{
    Console.WriteLine(note + Environment.NewLine);
}

if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, table + Environment.NewLine + string.Join(Environment.NewLine + Environment.NewLine, notes) + Environment.NewLine);
}

try
{
    Directory.Delete(dataRoot, recursive: true);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    log.WriteLine($"{dataRoot} not removed: {ex.Message}");
}

return 0;

static string DefaultServerDll()
{
    string? directory = AppContext.BaseDirectory;
    string configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    while (directory is not null && !File.Exists(Path.Combine(directory, "Switchboard.slnx")))
    {
        directory = Path.GetDirectoryName(directory.TrimEnd('/'));
    }

    return directory is null
        ? "Switchboard.Server.dll"
        : Path.Combine(directory, "src", "Switchboard.Server", "bin", configuration, "net10.0", "Switchboard.Server.dll");
}
