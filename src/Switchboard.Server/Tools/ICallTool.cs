using System.Text.Json;
using Switchboard.Protocols.Realtime;

namespace Switchboard.Server.Tools;

/// <summary>
/// One function the secretary's agent may call. Registered as a scoped <see cref="ICallTool"/> service; invoked by
/// <see cref="CallTools"/> in a scope bound to the call's tenant, with arguments already checked against the schema
/// of <see cref="Describe"/>. <see cref="CallTools.DefinitionsFor"/> also builds tools just to describe them, in a scope
/// it disposes synchronously: keep constructors cheap and free of services that are only <see cref="IAsyncDisposable"/>.
/// </summary>
public interface ICallTool
{
    /// <summary>The function name the agent calls (<see cref="ToolNames"/>).</summary>
    string Name { get; }

    /// <summary>Description and strict JSON Schema of the parameters, in English; <paramref name="language"/> is the caller's.</summary>
    ToolDefinition Describe(string language);

    /// <summary>Runs the tool. Expected failures are results (<c>{"ok":false,"error":...}</c>), not exceptions.</summary>
    Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken);
}
