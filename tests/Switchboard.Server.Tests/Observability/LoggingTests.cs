using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Switchboard.Server.Observability;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Observability;

public class LoggingTests
{
    private static readonly Guid Tenant = Guid.Parse("0b6e3d4c-5f1a-4c2e-9d7b-2a1f0e9c8b7a");

    [Fact]
    public async Task Development_keeps_the_simple_console_for_humans()
    {
        await using var factory = new SwitchboardServerFactory();

        var options = factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;

        Assert.NotEqual(ConsoleFormatterNames.Json, options.FormatterName);
    }

    [Theory]
    [InlineData("Development", "json")]
    [InlineData("Production", null)]
    public async Task Json_console_logs_with_scopes_and_utc_timestamps_outside_development_or_when_asked(string environment, string? format)
    {
        await using var factory = new SwitchboardServerFactory()
            .UseSetting("environment", environment)
            .UseSetting("Logging:Format", format);

        var console = factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        Assert.True(json.IncludeScopes);
        Assert.True(json.UseUtcTimestamp);
        Assert.Equal("O", json.TimestampFormat);
    }

    [Fact]
    public async Task An_unknown_log_format_stops_the_start()
    {
        await using var factory = new SwitchboardServerFactory().UseSetting("Logging:Format", "xml");

        var exception = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("Logging:Format", Flatten(exception), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_log_entries_inside_a_call_scope_carry_call_and_tenant_ids()
    {
        await using var factory = new SwitchboardServerFactory().UseSetting("Logging:Format", "json");
        var formatter = factory.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        using var provider = new FormattingLoggerProvider(formatter);
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(provider));
        var logger = loggerFactory.CreateLogger("Switchboard.Calls");

        using (logger.BeginCallScope(Tenant, "5d3c1a0e-call"))
        {
            logger.Log(LogLevel.Information, new EventId(1), "answered", null, static (state, _) => state);
        }

        logger.Log(LogLevel.Information, new EventId(2), "outside", null, static (state, _) => state);

        var lines = provider.Output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var inside = JsonDocument.Parse(lines[0]);
        var scope = Assert.Single(inside.RootElement.GetProperty("Scopes").EnumerateArray());
        Assert.Equal("5d3c1a0e-call", scope.GetProperty("CallId").GetString());
        Assert.Equal(Tenant.ToString(), scope.GetProperty("TenantId").GetString());
        Assert.EndsWith("+00:00", inside.RootElement.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
        Assert.Contains("+00:00\"", lines[0], StringComparison.Ordinal);
        using var outside = JsonDocument.Parse(lines[1]);
        Assert.Equal(0, outside.RootElement.GetProperty("Scopes").GetArrayLength());
    }

    [Fact]
    public void A_call_scope_state_is_two_properties_built_once()
    {
        var scope = new CallLogScope(Tenant, "call-1");

        Assert.Equal(2, scope.Count);
        Assert.Equal(new KeyValuePair<string, object?>("CallId", "call-1"), scope[0]);
        Assert.Equal(new KeyValuePair<string, object?>("TenantId", Tenant), scope[1]);
        Assert.Equal([scope[0], scope[1]], scope.ToArray());
        Assert.Same(scope[1].Value, scope[1].Value);
        Assert.Equal($"CallId:call-1 TenantId:{Tenant}", scope.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => scope[2]);
    }

    private static string Flatten(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + Flatten(exception.InnerException);

    /// <summary>Writes through a real console formatter into memory, with the factory's scopes.</summary>
    private sealed class FormattingLoggerProvider(ConsoleFormatter formatter) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public StringWriter Output { get; } = new();

        public ILogger CreateLogger(string categoryName) => new FormattingLogger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose() => Output.Dispose();

        private sealed class FormattingLogger(FormattingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
                provider.FormatterWrite(entry);
            }
        }

        private void FormatterWrite<TState>(in LogEntry<TState> entry) =>
            formatter.Write(entry, _scopes, Output);
    }
}
