using System.Globalization;

namespace Switchboard.LoadTest;

/// <summary>Command line of the load tool (see <see cref="Usage"/>).</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        Switchboard media load generator: the server in its own process, N concurrent sandbox calls answered by an
        OpenAI Realtime fake, server CPU and memory per call, added latency per hop.

          dotnet run -c Release --project bench/Switchboard.LoadTest -- [options]

          --counts 10,50,100,200,500   call counts measured (default)
          --rate <calls/s>             how fast calls are placed (default 25)
          --window <s>                 measured window per count (default 20)
          --warmup <s>                 time after the last call connected before measuring (default 6)
          --no-search                  skip the searches (largest N with p99 <= the limit; largest N that keeps up)
          --p99 <ms>                   latency limit of the search (default 5)
          --max <n>                    upper bound of the search (default 1600)
          --quick                      smoke run: --counts 10,50 --window 5 --warmup 3 --no-search
          --server-dll <path>          the built Switchboard.Server.dll (default: src/Switchboard.Server/bin/<config>/net10.0)
          --pbx <external|embedded>    external (default): the PBX sandbox in a process of its own and the server in
                                       FreeSWITCH mode on its Event Socket, so server CPU/RSS are the server's alone
                                       (the PBX host's are added in the "server + PBX" column); embedded: the sandbox
                                       inside the server process (Telephony:Mode=Sandbox)
          --gc <server|workstation>    GC of the server process (default: as shipped, workstation GC)
          --env KEY=VALUE              extra environment of the server process (repeatable), e.g. runtime knobs
          --perf-map                   start the server with DOTNET_PerfMapEnabled=1 (for `perf record -p <pid>`)
          --hold <s>                   keep the last count's calls up this long after measuring (to profile it)
          --output <file>              also write the Markdown table to this file
        """;

    public IReadOnlyList<int> Counts { get; private set; } = [10, 50, 100, 200, 500];

    public TimeSpan Window { get; private set; } = TimeSpan.FromSeconds(20);

    /// <summary>Calls placed per second.</summary>
    public double CallsPerSecond { get; private set; } = 25;

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(6);

    public bool Search { get; private set; } = true;

    public double P99LimitMs { get; private set; } = 5;

    public int Max { get; private set; } = 1600;

    public string? ServerDll { get; private set; }

    /// <summary>The PBX sandbox in its own process (true) or inside the server (false).</summary>
    public bool ExternalPbx { get; private set; } = true;

    public bool PerfMap { get; private set; }

    /// <summary>Extra environment variables of the server process.</summary>
    public IReadOnlyList<(string Key, string Value)> Environment => _environment;

    private readonly List<(string Key, string Value)> _environment = [];

    /// <summary>null: as built (workstation GC); otherwise the value of <c>DOTNET_gcServer</c>.</summary>
    public string? GcServer { get; private set; }

    public TimeSpan Hold { get; private set; } = TimeSpan.Zero;

    public string? Output { get; private set; }

    public static LoadOptions? Parse(string[] args)
    {
        var options = new LoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--counts":
                    options.Counts = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
                    break;
                case "--rate":
                    options.CallsPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--window":
                    options.Window = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--warmup":
                    options.Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--no-search":
                    options.Search = false;
                    break;
                case "--p99":
                    options.P99LimitMs = double.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--max":
                    options.Max = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--quick":
                    options.Counts = [10, 50];
                    options.Window = TimeSpan.FromSeconds(5);
                    options.Warmup = TimeSpan.FromSeconds(3);
                    options.Search = false;
                    break;
                case "--server-dll":
                    options.ServerDll = Next();
                    break;
                case "--gc":
                    options.GcServer = Next() switch
                    {
                        "server" => "1",
                        "workstation" => "0",
                        string other => throw new ArgumentException($"--gc {other}: server or workstation"),
                    };
                    break;
                case "--env":
                    string[] pair = Next().Split('=', 2);
                    if (pair.Length != 2)
                    {
                        throw new ArgumentException("--env KEY=VALUE");
                    }

                    options._environment.Add((pair[0], pair[1]));
                    break;
                case "--pbx":
                    options.ExternalPbx = Next() switch
                    {
                        "external" => true,
                        "embedded" => false,
                        string other => throw new ArgumentException($"--pbx {other}: external or embedded"),
                    };
                    break;
                case "--perf-map":
                    options.PerfMap = true;
                    break;
                case "--hold":
                    options.Hold = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                    break;
                case "--output":
                    options.Output = Next();
                    break;
                default:
                    return null;
            }
        }

        return options;
    }
}
