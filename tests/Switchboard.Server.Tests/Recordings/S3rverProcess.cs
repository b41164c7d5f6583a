using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Switchboard.Server.Tests.Recordings;

/// <summary>
/// A real <c>s3rver</c> (npm) on a loopback port, with one bucket, in a temporary folder; the process is killed on
/// dispose. The binary comes from <c>SWITCHBOARD_TEST_S3RVER</c> (test.sh installs it into <c>.tools/</c>), else the
/// repository's <c>.tools/node_modules/.bin/s3rver</c>.
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    public const string EnvironmentVariable = "SWITCHBOARD_TEST_S3RVER";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _folder;

    private S3rverProcess(Process process, string folder, int port, string bucket)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Bucket = bucket;
    }

    public int Port { get; }

    public string Bucket { get; }

    public Uri ServiceUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>The folder s3rver keeps objects in.</summary>
    public string DataFolder => _folder;

    public static string? FindBinary()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, ".tools", "node_modules", ".bin", "s3rver");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A loopback port nobody listens on right now (for a server that starts later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts s3rver on <paramref name="port"/> (0: any) and returns once it listens.</summary>
    public static async Task<S3rverProcess> StartAsync(string bucket, int port = 0, string? folder = null)
    {
        string binary = FindBinary() ?? throw new InvalidOperationException(
            $"s3rver is not installed: run ./test.sh once, or set {EnvironmentVariable} to its binary.");
        folder ??= Path.Combine(Path.GetTempPath(), "sb-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-d", folder, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", bucket])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("s3rver did not start.");
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("s3rver exited: " + output));
                return;
            }

            lock (output)
            {
                output.AppendLine(line.Data);
            }

            Match match = ListeningLine().Match(line.Data);
            if (match.Success)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(line.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            int bound = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new S3rverProcess(process, folder, bound, bucket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"listening on [^\s:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
