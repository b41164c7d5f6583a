using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Server.Observability;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Observability;

public class ObservabilityEndpointsTests
{
    private static readonly string[] SeedMetrics =
    [
        "voice_ai_realtime_calls_total",
        "voice_ai_realtime_active_sessions",
        "voice_ai_realtime_audio_chunks_total",
        "voice_ai_realtime_response_latency_seconds",
    ];

    [Fact]
    public async Task Metrics_endpoint_serves_the_seed_metrics_in_text_format_0_0_4()
    {
        await using var factory = new SwitchboardServerFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var exposition = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync());
        Assert.All(SeedMetrics, name => Assert.Contains(name, exposition.Families.Keys));
        Assert.Equal(0, exposition.Value("voice_ai_realtime_calls_total"));
    }

    [Fact]
    public async Task Metrics_endpoint_exports_runtime_metrics_unless_turned_off()
    {
        await using var withRuntime = new SwitchboardServerFactory();
        await using var without = new SwitchboardServerFactory().UseSetting("Observability:IncludeRuntimeMetrics", "false");

        var on = PrometheusTextParser.Parse(await withRuntime.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        var off = PrometheusTextParser.Parse(await without.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Contains("dotnet_gc_collections_total", on.Families.Keys);
        Assert.DoesNotContain(off.Families.Keys, name => name.StartsWith("dotnet_", StringComparison.Ordinal));
        Assert.Contains("voice_ai_realtime_calls_total", off.Families.Keys);
    }

    [Fact]
    public async Task An_invalid_series_limit_stops_the_start()
    {
        await using var factory = new SwitchboardServerFactory().UseSetting("Observability:MaxSeriesPerMetric", "0");

        var exception = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("MaxSeriesPerMetric", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Measurements_made_through_the_host_metrics_appear_in_the_next_scrape()
    {
        await using var factory = new SwitchboardServerFactory();
        using var client = factory.CreateClient();
        var metrics = factory.Services.GetRequiredService<SwitchboardMetrics>();

        metrics.CallStarted("acme");
        metrics.CallEnded("acme", "openai", "completed");
        metrics.AudioChunk(AudioDirection.In);
        var exposition = PrometheusTextParser.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Equal(1, exposition.Value("voice_ai_realtime_calls_total", ("tenant", "acme"), ("provider", "openai"), ("outcome", "completed")));
        Assert.Equal(0, exposition.Value("voice_ai_realtime_active_sessions", ("tenant", "acme")));
        Assert.Equal(1, exposition.Value("voice_ai_realtime_audio_chunks_total", ("direction", "in")));
    }

    [Fact]
    public async Task Two_hosts_in_one_process_export_only_their_own_measurements()
    {
        await using var first = new SwitchboardServerFactory();
        await using var second = new SwitchboardServerFactory();
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();

        first.Services.GetRequiredService<SwitchboardMetrics>().TicketCreated();
        second.Services.GetRequiredService<SwitchboardMetrics>().TicketCreated();
        second.Services.GetRequiredService<SwitchboardMetrics>().TicketCreated();

        var firstScrape = PrometheusTextParser.Parse(await firstClient.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        var secondScrape = PrometheusTextParser.Parse(await secondClient.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(1, firstScrape.Value("switchboard_tickets_created_total"));
        Assert.Equal(2, secondScrape.Value("switchboard_tickets_created_total"));
    }

    [Fact]
    public async Task Liveness_is_ok_even_when_a_readiness_check_fails()
    {
        await using var factory = new SwitchboardServerFactory()
            .AddTestServices(services => services.AddHealthChecks()
                .AddCheck("test_store", () => HealthCheckResult.Unhealthy("database unreachable"), tags: [HealthCheckTags.Ready]));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public async Task Readiness_is_ok_when_every_ready_check_is_healthy()
    {
        await using var factory = new SwitchboardServerFactory()
            .AddTestServices(services => services.AddHealthChecks()
                .AddCheck("test_store", () => HealthCheckResult.Healthy("migrated"), tags: [HealthCheckTags.Ready])
                .AddCheck("test_link", () => HealthCheckResult.Healthy("connected"), tags: [HealthCheckTags.Ready]));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var checks = await ChecksAsync(response);
        Assert.Equal(("Healthy", "migrated"), checks["test_store"]);
        Assert.Equal(("Healthy", "connected"), checks["test_link"]);
    }

    [Fact]
    public async Task Readiness_is_503_and_names_the_failing_check()
    {
        await using var factory = new SwitchboardServerFactory()
            .AddTestServices(services => services.AddHealthChecks()
                .AddCheck("test_store", () => HealthCheckResult.Healthy("migrated"), tags: [HealthCheckTags.Ready])
                .AddCheck(
                    "test_link",
                    () => HealthCheckResult.Unhealthy("not connected to 127.0.0.1:8021", new IOException("connection refused; password=secret")),
                    tags: [HealthCheckTags.Ready]));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = await ChecksAsync(response);
        Assert.Equal(("Unhealthy", "not connected to 127.0.0.1:8021"), checks["test_link"]);
        Assert.Equal(("Healthy", "migrated"), checks["test_store"]);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_is_503_when_a_ready_check_is_degraded()
    {
        await using var factory = new SwitchboardServerFactory()
            .AddTestServices(services => services.AddHealthChecks()
                .AddCheck("test_link", () => HealthCheckResult.Degraded("reconnecting"), tags: [HealthCheckTags.Ready]));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(("Degraded", "reconnecting"), (await ChecksAsync(response))["test_link"]);
    }

    [Fact]
    public async Task Readiness_ignores_checks_without_the_ready_tag()
    {
        await using var factory = new SwitchboardServerFactory()
            .AddTestServices(services => services.AddHealthChecks()
                .AddCheck("disk_report", () => HealthCheckResult.Unhealthy("full")));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checks = await ChecksAsync(response);
        Assert.DoesNotContain("disk_report", checks.Keys);

        // The product's own readiness checks: the store and the PBX's Event Socket (the sandbox here).
        Assert.Equal("Healthy", checks["database"].Status);
        Assert.Equal(("Healthy", "Event Socket connected (Sandbox)"), checks["pbx"]);
    }

    [Fact]
    public async Task Metrics_and_health_are_served_by_real_kestrel_on_a_loopback_port()
    {
        await using var factory = new KestrelSwitchboardServerFactory();

        var address = factory.ServerAddress;
        using var client = new HttpClient { BaseAddress = address };
        using var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(address.Host)), address.ToString());
        Assert.NotEqual(0, address.Port);
        Assert.Equal("ws", factory.WebSocketAddress("/stream/x/y").Scheme);
        Assert.Equal(address.Port, factory.WebSocketAddress("/stream/x/y").Port);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("voice_ai_realtime_calls_total", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Each_factory_has_its_own_data_root_that_the_host_sees_and_that_is_removed_on_dispose()
    {
        var first = new SwitchboardServerFactory();
        var second = new SwitchboardServerFactory();
        try
        {
            var firstRoot = first.Services.GetRequiredService<IConfiguration>()["Data:DataRoot"];
            var secondRoot = second.Services.GetRequiredService<IConfiguration>()["Data:DataRoot"];

            Assert.Equal(first.DataRoot, firstRoot);
            Assert.Equal(second.DataRoot, secondRoot);
            Assert.NotEqual(firstRoot, secondRoot);
            Assert.True(Directory.Exists(first.DataRoot));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        Assert.False(Directory.Exists(first.DataRoot));
        Assert.False(Directory.Exists(second.DataRoot));
    }

    private static async Task<Dictionary<string, (string Status, string? Description)>> ChecksAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            check => check.GetProperty("name").GetString()!,
            check => (check.GetProperty("status").GetString()!,
                check.TryGetProperty("description", out var description) ? description.GetString() : null));
    }
}
