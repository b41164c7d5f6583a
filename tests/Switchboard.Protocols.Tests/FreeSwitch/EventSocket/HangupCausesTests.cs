using Switchboard.Protocols.FreeSwitch.EventSocket;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket;

/// <summary>Spot checks against freeswitch.md §3.4 (values written out by hand from the table).</summary>
public class HangupCausesTests
{
    [Theory]
    [InlineData(HangupCause.UnallocatedNumber, 1)]
    [InlineData(HangupCause.NormalClearing, 16)]
    [InlineData(HangupCause.UserBusy, 17)]
    [InlineData(HangupCause.NoAnswer, 19)]
    [InlineData(HangupCause.RecoveryOnTimerExpire, 102)]
    [InlineData(HangupCause.OriginatorCancel, 487)]
    [InlineData(HangupCause.UserNotRegistered, 806)]
    [InlineData(HangupCause.Decline, 816)]
    [InlineData(HangupCause.RejectAll, 825)]
    public void Causes_carry_their_freeswitch_numbers(HangupCause cause, int number)
    {
        Assert.Equal(number, (int)cause);
    }

    [Theory]
    [InlineData("USER_BUSY", HangupCause.UserBusy)]
    [InlineData("user_busy", HangupCause.UserBusy)]
    [InlineData(" NO_ANSWER\n", HangupCause.NoAnswer)]
    [InlineData("-ERR SUBSCRIBER_ABSENT\n", HangupCause.SubscriberAbsent)]
    [InlineData("17", HangupCause.UserBusy)]
    [InlineData("BEARERCAPABILITY_NOTIMPL", HangupCause.BearercapabilityNotimpl)]
    [InlineData("REQUESTED_CHAN_UNAVAIL", HangupCause.RequestedChanUnavail)]
    public void Cause_names_parse_case_insensitively(string text, HangupCause expected)
    {
        Assert.True(HangupCauses.TryParse(text, out HangupCause cause));
        Assert.Equal(expected, cause);
    }

    [Theory]
    [InlineData("BUSY")]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("+OK")]
    public void Unknown_causes_do_not_parse(string text)
    {
        Assert.False(HangupCauses.TryParse(text, out _));
        Assert.Throws<FormatException>(() => HangupCauses.Parse(text));
    }

    [Theory]
    [InlineData(HangupCause.UserBusy, "USER_BUSY")]
    [InlineData(HangupCause.NoRouteTransitNet, "NO_ROUTE_TRANSIT_NET")]
    [InlineData(HangupCause.SrtpReadError, "SRTP_READ_ERROR")]
    public void Causes_render_their_wire_names(HangupCause cause, string name)
    {
        Assert.Equal(name, HangupCauses.ToName(cause));
    }

    [Theory]
    [InlineData(HangupCause.UserBusy, 486)]
    [InlineData(HangupCause.NoUserResponse, 408)]
    [InlineData(HangupCause.NoAnswer, 480)]
    [InlineData(HangupCause.CallRejected, 603)]
    [InlineData(HangupCause.RecoveryOnTimerExpire, 504)]
    [InlineData(HangupCause.UnallocatedNumber, 404)]
    [InlineData(HangupCause.BusyEverywhere, 600)]
    [InlineData(HangupCause.Decline, 603)]
    [InlineData(HangupCause.InvalidGateway, 484)]
    [InlineData(HangupCause.NormalClearing, 480)]
    [InlineData(HangupCause.OriginatorCancel, 487)]
    [InlineData(HangupCause.NoIdentity, 428)]
    public void Causes_map_to_the_sip_status_freeswitch_sends(HangupCause cause, int sip)
    {
        Assert.Equal(sip, HangupCauses.ToSipCode(cause));
    }

    [Theory]
    [InlineData(486, HangupCause.UserBusy)]
    [InlineData(600, HangupCause.UserBusy)]
    [InlineData(480, HangupCause.NoUserResponse)]
    [InlineData(408, HangupCause.RecoveryOnTimerExpire)]
    [InlineData(504, HangupCause.RecoveryOnTimerExpire)]
    [InlineData(603, HangupCause.CallRejected)]
    [InlineData(403, HangupCause.CallRejected)]
    [InlineData(404, HangupCause.UnallocatedNumber)]
    [InlineData(604, HangupCause.NoRouteDestination)]
    [InlineData(487, HangupCause.OriginatorCancel)]
    [InlineData(488, HangupCause.IncompatibleDestination)]
    [InlineData(503, HangupCause.NormalTemporaryFailure)]
    [InlineData(607, HangupCause.Unwanted)]
    [InlineData(200, HangupCause.NormalClearing)]
    [InlineData(599, HangupCause.NormalUnspecified)]
    public void Received_sip_statuses_map_to_the_cause_freeswitch_assigns(int sip, HangupCause cause)
    {
        Assert.Equal(cause, HangupCauses.FromSipCode(sip));
    }

    [Fact]
    public void Every_cause_has_a_name_that_parses_back_and_a_sip_status()
    {
        HangupCause[] all = Enum.GetValues<HangupCause>();

        Assert.Equal(82, all.Length);
        Assert.All(all, cause =>
        {
            Assert.True(HangupCauses.TryParse(HangupCauses.ToName(cause), out HangupCause parsed));
            Assert.Equal(cause, parsed);
            Assert.InRange(HangupCauses.ToSipCode(cause) ?? 0, 400, 699);
        });
        Assert.Null(HangupCauses.ToSipCode((HangupCause)12345));
    }

    [Theory]
    [InlineData(HangupCause.UserBusy, TransferResult.Busy)]
    [InlineData(HangupCause.BusyEverywhere, TransferResult.Busy)]
    [InlineData(HangupCause.NoAnswer, TransferResult.NoAnswer)]
    [InlineData(HangupCause.NoUserResponse, TransferResult.NoAnswer)]
    [InlineData(HangupCause.ProgressTimeout, TransferResult.NoAnswer)]
    [InlineData(HangupCause.RecoveryOnTimerExpire, TransferResult.NoAnswer)]
    [InlineData(HangupCause.UserNotRegistered, TransferResult.Unavailable)]
    [InlineData(HangupCause.SubscriberAbsent, TransferResult.Unavailable)]
    [InlineData(HangupCause.UnallocatedNumber, TransferResult.Unavailable)]
    [InlineData(HangupCause.DestinationOutOfOrder, TransferResult.Unavailable)]
    [InlineData(HangupCause.NoRouteDestination, TransferResult.Unavailable)]
    [InlineData(HangupCause.CallRejected, TransferResult.Rejected)]
    [InlineData(HangupCause.Decline, TransferResult.Rejected)]
    [InlineData(HangupCause.NormalTemporaryFailure, TransferResult.Failed)]
    [InlineData(HangupCause.NormalClearing, TransferResult.Failed)]
    [InlineData(HangupCause.GatewayDown, TransferResult.Failed)]
    [InlineData(HangupCause.OriginatorCancel, TransferResult.Failed)]
    public void Causes_map_to_what_the_caller_is_told(HangupCause cause, TransferResult result)
    {
        Assert.Equal(result, HangupCauses.ToTransferResult(cause));
    }
}
