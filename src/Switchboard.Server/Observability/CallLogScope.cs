using System.Collections;

namespace Switchboard.Server.Observability;

/// <summary>
/// Logging scope state of one call: <c>CallId</c> and <c>TenantId</c>, which the JSON console formatter
/// writes into every entry logged inside the scope. Create one per call and pass it to
/// <see cref="LoggerCallScope.BeginCallScope(ILogger, CallLogScope)"/> from each of the call's loops;
/// the properties are built (and the Guid boxed) once.
/// </summary>
public sealed class CallLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _callId;
    private readonly KeyValuePair<string, object?> _tenantId;
    private string? _text;

    public CallLogScope(Guid tenantId, string callId)
    {
        ArgumentNullException.ThrowIfNull(callId);
        TenantId = tenantId;
        CallId = callId;
        _callId = new("CallId", callId);
        _tenantId = new("TenantId", tenantId);
    }

    public Guid TenantId { get; }

    public string CallId { get; }

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => _callId,
        1 => _tenantId,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _callId;
        yield return _tenantId;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The scope's "Message" in formatters that print scopes as text.</summary>
    public override string ToString() => _text ??= $"CallId:{CallId} TenantId:{TenantId}";
}

/// <summary>Per-call logging scope: <c>using var scope = _logger.BeginCallScope(tenantId, callUuid);</c>.</summary>
public static class LoggerCallScope
{
    public static IDisposable? BeginCallScope(this ILogger logger, Guid tenantId, string callUuid) =>
        logger.BeginCallScope(new CallLogScope(tenantId, callUuid));

    public static IDisposable? BeginCallScope(this ILogger logger, CallLogScope scope)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(scope);
    }
}
