using System.Buffers;

namespace Switchboard.Server.Transfers.Execution;

/// <summary>Where an originate to a destination goes (freeswitch.md §2.3), or why it cannot.</summary>
internal sealed record DialTarget(string? DialString, string? Error);

internal static class TransferDialStrings
{
    private static readonly SearchValues<char> NotInNumber = SearchValues.Create(" \t\r\n'@/,|{}[]()");

    /// <summary>The dial string of a destination of a tenant whose domain (FusionPBX: also its dialplan context) is
    /// <paramref name="domain"/>: <c>user/&lt;n&gt;@&lt;domain&gt;</c> for an extension; <c>loopback/&lt;n&gt;/&lt;context&gt;</c>
    /// for ring groups and queues, which exist only in the dialplan; <c>sofia/gateway/&lt;gw&gt;/&lt;n&gt;</c> for an external
    /// number through the tenant's gateway. Voicemail is not dialled: the caller is transferred to <c>*99&lt;n&gt;</c>.</summary>
    public static DialTarget Resolve(TransferDestination destination, string domain, TransferExecutionOptions options)
    {
        string number = destination.DestinationNumber.Trim();
        if (number.Length == 0 || number.AsSpan().IndexOfAny(NotInNumber) >= 0)
        {
            return new DialTarget(null, $"The destination number '{destination.DestinationNumber}' of '{destination.Name}' cannot be dialled.");
        }

        switch (destination.DestinationType)
        {
            case TransferDestinationType.Extension:
                return new DialTarget($"user/{number}@{domain}", null);
            case TransferDestinationType.RingGroup:
            case TransferDestinationType.Queue:
                return new DialTarget($"loopback/{number}/{Context(destination, domain)}", null);
            case TransferDestinationType.External:
                string? gateway = options.Gateways.TryGetValue(domain, out string? own) && !string.IsNullOrWhiteSpace(own)
                    ? own
                    : options.DefaultGateway;
                return string.IsNullOrWhiteSpace(gateway)
                    ? new DialTarget(null, $"No outbound gateway is configured for {domain}: set Transfers:Gateways:{domain} (or Transfers:DefaultGateway) to call external number {number}.")
                    : new DialTarget($"sofia/gateway/{gateway.Trim()}/{number}", null);
            default:
                return new DialTarget(null, $"A {destination.DestinationType} destination is not dialled.");
        }
    }

    /// <summary>The destination's dialplan context; FusionPBX keeps a tenant's numbers in the context named after its
    /// domain, so an empty context or seed 1's column default <c>default</c> means the tenant's domain.</summary>
    public static string Context(TransferDestination destination, string domain) =>
        string.IsNullOrWhiteSpace(destination.DestinationContext) || destination.DestinationContext == "default"
            ? domain
            : destination.DestinationContext.Trim();
}
