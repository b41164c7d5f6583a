namespace Switchboard.Server.Tools;

/// <summary>Names of the secretary's tools, as the agent calls them and as <c>Secretary.Tools</c> enables them.</summary>
public static class ToolNames
{
    public const string TakeMessage = "take_message";

    public const string CreateTicket = "create_ticket";

    public const string LookupCustomer = "lookup_customer";

    public const string CheckAppointment = "check_appointment";

    public const string EndCall = "end_call";

    /// <summary>Provided by the transfer feature; <see cref="CallTools"/> uses whichever <see cref="ICallTool"/> has this name.</summary>
    public const string TransferCall = "transfer_call";

    /// <summary>Enabled on new secretaries (and on secretaries that existed before tools could be chosen).</summary>
    public static IReadOnlyList<string> Defaults { get; } = [TakeMessage, CreateTicket, LookupCustomer, CheckAppointment, EndCall, TransferCall];
}
