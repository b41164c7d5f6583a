using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tools;

/// <summary>
/// The secretary's tools as the call layer sees them: the definitions to give the agent, and one entry point that
/// runs a tool call. Every call is checked (known tool, enabled for the secretary, arguments fitting the schema),
/// run in a scope bound to the call's tenant, and audited as a <see cref="ToolInvocation"/>, refused calls included.
/// The caller always gets a JSON object with <c>"ok"</c> back, never an exception (except cancellation). Singleton.
/// </summary>
public sealed class CallTools
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<CallTools> _logger;

    public CallTools(IServiceScopeFactory scopes, TimeProvider time, ILogger<CallTools> logger)
    {
        _scopes = scopes;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Definitions of the registered tools among <paramref name="enabledTools"/> (a secretary's <c>Tools</c>), in that
    /// order; enabled names no tool answers to (e.g. <c>transfer_call</c> before transfers exist) are left out.
    /// </summary>
    public IReadOnlyList<ToolDefinition> DefinitionsFor(IReadOnlyCollection<string> enabledTools, string language)
    {
        using IServiceScope scope = _scopes.CreateScope();
        Dictionary<string, ICallTool> tools = Registered(scope.ServiceProvider);
        return enabledTools
            .Distinct(StringComparer.Ordinal)
            .Select(name => tools.GetValueOrDefault(name))
            .OfType<ICallTool>()
            .Select(tool => tool.Describe(language))
            .ToList();
    }

    /// <summary>
    /// Runs tool <paramref name="name"/> with <paramref name="argumentsJson"/> for the call of <paramref name="context"/>
    /// and audits it. Refusals and failures come back as <c>{"ok":false,"error":...}</c>; only cancellation of
    /// <paramref name="cancellationToken"/> throws (after the audit row is written).
    /// </summary>
    public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, string name, string argumentsJson, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        ToolOutcome outcome;
        string? failure = null;
        try
        {
            outcome = await RunAsync(context, name, argumentsJson, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await AuditAsync(context, name, argumentsJson, ToolResults.Error("cancelled: the call ended"), started, succeeded: false, "cancelled");
            throw;
        }
        catch (Exception exception)
        {
            Log.ToolFailed(_logger, name, context.CallUuid, exception);
            failure = $"{exception.GetType().Name}: {exception.Message}";
            outcome = new ToolOutcome(
                ToolResults.Error($"{name} failed on our side; apologise and offer to take a message instead"), ToolAction.None);
        }

        if (!TryReadOk(outcome.ResultJson, out bool ok, out string? error))
        {
            failure ??= "the tool returned something other than a JSON object with \"ok\": " + outcome.ResultJson;
            outcome = outcome with { ResultJson = ToolResults.Error($"{name} gave no usable answer; apologise and offer to take a message instead") };
        }

        await AuditAsync(context, name, argumentsJson, outcome.ResultJson, started, ok && failure is null, failure ?? error);
        return outcome;
    }

    private async Task<ToolOutcome> RunAsync(ToolCallContext context, string name, string argumentsJson, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(context.TenantId);
        Dictionary<string, ICallTool> tools = Registered(scope.ServiceProvider);

        IReadOnlyCollection<string>? enabled = await EnabledToolsAsync(scope.ServiceProvider, context.SecretaryId, cancellationToken);
        if (enabled is null)
        {
            return Refused("the secretary of this call was not found, so no tool can run; offer to take a message another way");
        }

        if (!tools.TryGetValue(name, out ICallTool? tool))
        {
            return Refused($"unknown tool '{name}'; available tools: {string.Join(", ", enabled.Where(tools.ContainsKey))}");
        }

        if (!enabled.Contains(name))
        {
            return Refused($"tool '{name}' is not enabled for this secretary");
        }

        JsonDocument arguments;
        try
        {
            arguments = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
        }
        catch (JsonException exception)
        {
            return Refused($"arguments are not valid JSON ({exception.Message}); call {name} again with a JSON object");
        }

        using (arguments)
        {
            string? invalid = ToolArguments.Validate(tool.Describe(context.Language).ParametersJsonSchema, arguments.RootElement);
            if (invalid is not null)
            {
                return Refused($"{invalid}; call {name} again with corrected arguments");
            }

            return await tool.InvokeAsync(context, arguments.RootElement, cancellationToken);
        }
    }

    private static ToolOutcome Refused(string error) => new(ToolResults.Error(error), ToolAction.None);

    private static Dictionary<string, ICallTool> Registered(IServiceProvider services)
    {
        var tools = new Dictionary<string, ICallTool>(StringComparer.Ordinal);
        foreach (ICallTool tool in services.GetServices<ICallTool>())
        {
            tools.TryAdd(tool.Name, tool);
        }

        return tools;
    }

    /// <summary>The secretary's enabled tools; the defaults for a call without a secretary; null when the secretary is not the tenant's.</summary>
    private static async Task<IReadOnlyCollection<string>?> EnabledToolsAsync(IServiceProvider services, Guid? secretaryId, CancellationToken cancellationToken)
    {
        if (secretaryId is not { } id)
        {
            return ToolNames.Defaults;
        }

        SwitchboardDbContext db = services.GetRequiredService<SwitchboardDbContext>();
        return await db.Secretaries.AsNoTracking()
            .Where(secretary => secretary.Id == id)
            .Select(secretary => secretary.Tools)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private static bool TryReadOk(string resultJson, out bool ok, out string? error)
    {
        ok = false;
        error = null;
        try
        {
            using JsonDocument result = JsonDocument.Parse(resultJson);
            if (result.RootElement.ValueKind != JsonValueKind.Object
                || !result.RootElement.TryGetProperty("ok", out JsonElement flag)
                || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            ok = flag.GetBoolean();
            if (!ok)
            {
                error = result.RootElement.TryGetProperty("error", out JsonElement message) && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : "not ok";
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes the audit row in a scope of its own, whatever happened to the tool's scope; never throws.</summary>
    private async Task AuditAsync(
        ToolCallContext context, string name, string arguments, string result, long started, bool succeeded, string? error)
    {
        int durationMs = (int)Math.Min(int.MaxValue, _time.GetElapsedTime(started).TotalMilliseconds);
        Log.ToolInvoked(_logger, name, context.CallUuid, durationMs, succeeded);
        try
        {
            await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(context.TenantId);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.ToolInvocations.Add(new ToolInvocation
            {
                Id = Guid.NewGuid(),
                TenantId = context.TenantId,
                ConversationId = context.ConversationId,
                CallUuid = Cut(context.CallUuid, 64),
                Name = Cut(name, 64),
                Arguments = arguments,
                Result = result,
                DurationMs = durationMs,
                Succeeded = succeeded,
                Error = error is null ? null : Cut(error, 1000),
            });

            // The call may be over by now; the audit row is written all the same.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            Log.AuditFailed(_logger, name, context.CallUuid, exception);
        }
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
