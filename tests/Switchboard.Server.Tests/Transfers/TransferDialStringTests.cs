using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Execution;

namespace Switchboard.Server.Tests.Transfers;

/// <summary>Which dial string each kind of destination gets (freeswitch.md §2.3).</summary>
public sealed class TransferDialStringTests
{
    private const string Domain = "acme.example.com";

    [Theory]
    [InlineData(TransferDestinationType.Extension, "1004", "default", "user/1004@acme.example.com")]
    [InlineData(TransferDestinationType.Extension, "1004", "other.example.com", "user/1004@acme.example.com")]
    [InlineData(TransferDestinationType.RingGroup, "9000", "default", "loopback/9000/acme.example.com")]
    [InlineData(TransferDestinationType.Queue, "5001", "", "loopback/5001/acme.example.com")]
    [InlineData(TransferDestinationType.Queue, "5001", "callcenter-ctx", "loopback/5001/callcenter-ctx")]
    public void Internal_destinations_are_dialled_in_the_tenant_domain(TransferDestinationType type, string number, string context, string expected)
    {
        DialTarget target = TransferDialStrings.Resolve(Destination(type, number, context), Domain, new TransferExecutionOptions());

        Assert.Equal((expected, null), (target.DialString, target.Error));
    }

    [Fact]
    public void An_external_number_goes_through_the_tenant_gateway_else_the_default_one()
    {
        var options = new TransferExecutionOptions { DefaultGateway = "fallback-gw" };
        options.Gateways[Domain] = "0f5c-gw";
        TransferDestination external = Destination(TransferDestinationType.External, "5511999990000", "default");

        Assert.Equal("sofia/gateway/0f5c-gw/5511999990000", TransferDialStrings.Resolve(external, Domain, options).DialString);
        Assert.Equal("sofia/gateway/fallback-gw/5511999990000", TransferDialStrings.Resolve(external, "other.example.com", options).DialString);
    }

    [Fact]
    public void An_external_number_without_any_gateway_names_the_setting_to_fix()
    {
        DialTarget target = TransferDialStrings.Resolve(
            Destination(TransferDestinationType.External, "5511999990000", "default"), Domain, new TransferExecutionOptions());

        Assert.Null(target.DialString);
        Assert.Contains($"Transfers:Gateways:{Domain}", target.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10 04")]
    [InlineData("1004@evil.example.com")]
    [InlineData("1004,user/1005")]
    [InlineData("1004|error/x")]
    public void A_number_that_would_change_the_dial_string_is_refused(string number)
    {
        DialTarget target = TransferDialStrings.Resolve(Destination(TransferDestinationType.Extension, number, "default"), Domain, new TransferExecutionOptions());

        Assert.Null(target.DialString);
        Assert.NotNull(target.Error);
    }

    private static TransferDestination Destination(TransferDestinationType type, string number, string context) => new()
    {
        Name = "Teste",
        DestinationType = type,
        DestinationNumber = number,
        DestinationContext = context,
    };
}
