using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Server.Observability;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Observability;

public sealed class SwitchboardMetricsTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly PrometheusExporter _exporter;
    private readonly SwitchboardMetrics _metrics;

    public SwitchboardMetricsTests()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new SwitchboardMetrics(meterFactory);
        _exporter = new PrometheusExporter(i => i.Meter.Scope == meterFactory, NullLogger<PrometheusExporter>.Instance);
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void The_seed_metrics_are_exported_before_anything_is_counted()
    {
        var exposition = Scrape();

        Assert.Equal("counter", exposition.Families["voice_ai_realtime_calls_total"].Type);
        Assert.Equal("gauge", exposition.Families["voice_ai_realtime_active_sessions"].Type);
        Assert.Equal("counter", exposition.Families["voice_ai_realtime_audio_chunks_total"].Type);
        Assert.Equal("histogram", exposition.Families["voice_ai_realtime_response_latency_seconds"].Type);
        Assert.Equal(0, exposition.Value("voice_ai_realtime_calls_total"));
        Assert.Equal(0, exposition.Value("voice_ai_realtime_active_sessions"));
        Assert.Equal(0, exposition.Value("voice_ai_realtime_audio_chunks_total"));
        Assert.Equal(0, exposition.Value("voice_ai_realtime_response_latency_seconds_count"));
        Assert.Equal(0, exposition.Value("switchboard_esl_connected"));
    }

    [Fact]
    public void A_call_is_an_active_session_until_it_ends_and_is_then_counted_with_its_outcome()
    {
        _metrics.CallStarted("tenant-a");
        _metrics.CallStarted("tenant-a");
        _metrics.CallStarted("tenant-b");
        Assert.Equal(2, Scrape().Value("voice_ai_realtime_active_sessions", ("tenant", "tenant-a")));

        _metrics.CallEnded("tenant-a", "openai", "transferred");

        var exposition = Scrape();
        Assert.Equal(1, exposition.Value("voice_ai_realtime_active_sessions", ("tenant", "tenant-a")));
        Assert.Equal(1, exposition.Value("voice_ai_realtime_active_sessions", ("tenant", "tenant-b")));
        Assert.Equal(1, exposition.Value("voice_ai_realtime_calls_total", ("tenant", "tenant-a"), ("provider", "openai"), ("outcome", "transferred")));
    }

    [Fact]
    public void Audio_chunks_are_counted_by_direction()
    {
        _metrics.AudioChunk(AudioDirection.In);
        _metrics.AudioChunk(AudioDirection.In);
        _metrics.AudioChunk(AudioDirection.Out);

        var exposition = Scrape();

        Assert.Equal(2, exposition.Value("voice_ai_realtime_audio_chunks_total", ("direction", "in")));
        Assert.Equal(1, exposition.Value("voice_ai_realtime_audio_chunks_total", ("direction", "out")));
    }

    [Fact]
    public void Response_latency_uses_voice_latency_buckets()
    {
        _metrics.ResponseLatency("openai", TimeSpan.FromMilliseconds(300));
        _metrics.ResponseLatency("openai", TimeSpan.FromMilliseconds(301));
        _metrics.ResponseLatency("openai", TimeSpan.FromSeconds(12));

        var family = Scrape().Families["voice_ai_realtime_response_latency_seconds"];

        var buckets = family.Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["0.05", "0.1", "0.2", "0.3", "0.5", "0.75", "1", "1.5", "2", "3", "5", "10", "+Inf"],
            buckets.Select(b => b.Labels["le"]).ToArray());
        Assert.All(buckets, b => Assert.Equal("openai", b.Labels["provider"]));
        Assert.Equal(1, buckets.Single(b => b.Labels["le"] == "0.3").Value);
        Assert.Equal(2, buckets.Single(b => b.Labels["le"] == "0.5").Value);
        Assert.Equal(2, buckets.Single(b => b.Labels["le"] == "10").Value);
        Assert.Equal(3, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.Equal(12.601, family.Samples.Single(s => s.Name.EndsWith("_sum", StringComparison.Ordinal)).Value, 9);
    }

    [Fact]
    public void Event_socket_connection_state_and_reconnects_are_exported()
    {
        _metrics.SetEslConnected(true);
        _metrics.EslReconnected();
        _metrics.EslReconnected();
        Assert.Equal(1, Scrape().Value("switchboard_esl_connected"));

        _metrics.SetEslConnected(false);

        var exposition = Scrape();
        Assert.Equal(0, exposition.Value("switchboard_esl_connected"));
        Assert.Equal(2, exposition.Value("switchboard_esl_reconnects_total"));
    }

    [Fact]
    public void Drops_rejections_transfers_tickets_and_provider_errors_are_counted_with_their_labels()
    {
        _metrics.AudioFrameDropped(AudioDirection.In, "queue_full");
        _metrics.AudioFrameDropped(AudioDirection.Out, "queue_full");
        _metrics.AudioFrameDropped(AudioDirection.Out, "queue_full");
        _metrics.MediaStreamRejected("bad_token");
        _metrics.TransferCompleted("bridged");
        _metrics.TransferCompleted("no_answer");
        _metrics.TicketCreated();
        _metrics.ProviderError("gemini", "connect_timeout");

        var exposition = Scrape();

        Assert.Equal(1, exposition.Value("switchboard_audio_frames_dropped_total", ("direction", "in"), ("reason", "queue_full")));
        Assert.Equal(2, exposition.Value("switchboard_audio_frames_dropped_total", ("direction", "out"), ("reason", "queue_full")));
        Assert.Equal(1, exposition.Value("switchboard_media_stream_rejected_total", ("reason", "bad_token")));
        Assert.Equal(1, exposition.Value("switchboard_transfers_total", ("result", "bridged")));
        Assert.Equal(1, exposition.Value("switchboard_transfers_total", ("result", "no_answer")));
        Assert.Equal(1, exposition.Value("switchboard_tickets_created_total"));
        Assert.Equal(1, exposition.Value("switchboard_provider_errors_total", ("provider", "gemini"), ("kind", "connect_timeout")));
    }

    [Fact]
    public void Per_frame_methods_allocate_nothing_once_their_series_exist()
    {
        const int Frames = 20_000;
        _metrics.AudioChunk(AudioDirection.In);
        _metrics.AudioChunk(AudioDirection.Out);
        _metrics.AudioFrameDropped(AudioDirection.In, "queue_full");
        _metrics.ResponseLatency("openai", TimeSpan.FromMilliseconds(250));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Frames; i++)
        {
            _metrics.AudioChunk(AudioDirection.In);
            _metrics.AudioChunk(AudioDirection.Out);
            _metrics.AudioFrameDropped(AudioDirection.In, "queue_full");
            _metrics.ResponseLatency("openai", TimeSpan.FromMilliseconds(250));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        var exposition = Scrape();
        Assert.Equal(Frames + 1, exposition.Value("voice_ai_realtime_audio_chunks_total", ("direction", "in")));
        Assert.Equal(Frames + 1, exposition.Value("switchboard_audio_frames_dropped_total", ("direction", "in"), ("reason", "queue_full")));
        Assert.Equal(Frames + 1, exposition.Value("voice_ai_realtime_response_latency_seconds_count", ("provider", "openai")));
    }

    private PrometheusExposition Scrape()
    {
        var buffer = new ArrayBufferWriter<byte>();
        _exporter.Write(buffer);
        return PrometheusTextParser.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
