namespace Switchboard.Sandbox.Dialplan;

/// <summary>One application of an extension: name and argument (<c>switch_caller_application_t</c>).</summary>
internal sealed record DialplanAction(string Application, string? Data);
