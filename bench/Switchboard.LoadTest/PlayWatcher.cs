using System.Globalization;
using System.Net;
using System.Text.Json;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox.Media;

namespace Switchboard.LoadTest;

/// <summary>
/// The provider → caller hop, seen from outside: an extra Event Socket client of the sandbox PBX subscribed to
/// <c>mod_audio_stream::play</c> only. The first file of every answer starts with the fake's send stamp, so
/// <c>Event-Date-Timestamp</c> (when the PBX had written the file and announced it) minus that stamp is the time
/// from the provider sending the audio to the PBX holding it, ready to play.
/// </summary>
public sealed class PlayWatcher : IAsyncDisposable
{
    private readonly EventSocketClient _client;
    private readonly EventSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<double> _window = [];
    private readonly Task _loop;
    private volatile bool _measuring;
    private long _plays;
    private long _stamped;

    private PlayWatcher(EventSocketClient client)
    {
        _client = client;
        _subscription = client.Subscribe();
        _loop = RunAsync(_stop.Token);
    }

    public long Plays => Interlocked.Read(ref _plays);

    public long StampedPlays => Interlocked.Read(ref _stamped);

    public static async Task<PlayWatcher> StartAsync(IPEndPoint esl, CancellationToken cancellationToken)
    {
        var client = new EventSocketClient(new EventSocketOptions
        {
            Host = esl.Address.ToString(),
            Port = esl.Port,
            Events = ["CUSTOM", "mod_audio_stream::play"],
        });
        await client.StartAsync(cancellationToken);
        await client.WaitConnectedAsync(cancellationToken);
        return new PlayWatcher(client);
    }

    public void BeginWindow()
    {
        lock (_window)
        {
            _window.Clear();
        }

        _measuring = true;
    }

    public List<double> EndWindow()
    {
        _measuring = false;
        lock (_window)
        {
            return [.. _window];
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        byte[] head = new byte[2 * StreamLatencyProbe.Samples];
        try
        {
            await foreach (EventSocketEvent e in _subscription.Reader.ReadAllAsync(cancellationToken))
            {
                if (e.Subclass != "mod_audio_stream::play" || e.Body is null)
                {
                    continue;
                }

                Interlocked.Increment(ref _plays);
                if (!long.TryParse(e["Event-Date-Timestamp"], NumberStyles.Integer, CultureInfo.InvariantCulture, out long announced))
                {
                    continue;
                }

                string? file = ReadFile(e.Body);
                if (file is null || !TryReadHead(file, head) || !StreamLatencyProbe.TryReadPcm16(head, out long sent))
                {
                    continue; // a later chunk of an answer, or the file is gone already
                }

                Interlocked.Increment(ref _stamped);
                long modulus = StreamLatencyProbe.Modulus;
                long micros = (((announced - sent) % modulus) + modulus) % modulus;
                if (_measuring)
                {
                    lock (_window)
                    {
                        _window.Add(micros / 1000.0);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static string? ReadFile(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("file", out JsonElement file) ? file.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryReadHead(string path, byte[] head)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _subscription.Dispose();
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
