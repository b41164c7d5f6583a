using Switchboard.LoadTest;

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

string? searchNote = null;
if (options.Search)
{
    // Largest N with p99 <= the limit on both hops (and all calls connected, ≥ 99 % of the audio delivered):
    // double from the best measured count until it fails, then bisect to within 10 %.
    int good = results.Where(r => r.Within(options.P99LimitMs)).Select(r => r.Calls).DefaultIfEmpty(0).Max();
    int bad = results.Where(r => !r.Within(options.P99LimitMs) && r.Calls > good).Select(r => r.Calls).DefaultIfEmpty(int.MaxValue).Min();
    while (bad == int.MaxValue && good > 0 && good < options.Max)
    {
        int next = Math.Min(options.Max, good * 2);
        LoadResult r = await runner.RunAsync(next, hold: false, stop.Token);
        results.Add(r);
        if (r.Within(options.P99LimitMs))
        {
            good = next;
        }
        else
        {
            bad = next;
        }
    }

    while (bad != int.MaxValue && bad - good > Math.Max(10, good / 10))
    {
        int next = (good + bad) / 2;
        LoadResult r = await runner.RunAsync(next, hold: false, stop.Token);
        results.Add(r);
        if (r.Within(options.P99LimitMs))
        {
            good = next;
        }
        else
        {
            bad = next;
        }
    }

    searchNote = $"Largest N with p99 ≤ {options.P99LimitMs} ms on both hops: **{good}**" + (bad == int.MaxValue ? $" (search bound {options.Max})" : $" ({bad} fails)");
}

string table = LoadRunner.Table([.. results.OrderBy(r => r.Calls)]);
Console.WriteLine(table);
if (searchNote is not null)
{
    Console.WriteLine(searchNote);
}

if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, table + (searchNote ?? string.Empty) + Environment.NewLine);
}

try
{
    Directory.Delete(dataRoot, recursive: true);
}
catch (IOException)
{
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
