namespace Switchboard.Sandbox.Dialplan;

/// <summary>
/// The far end of a leg to a simulated phone: rings, then answers, refuses or keeps ringing as configured; once
/// answered, the human reacts to the announcement (a key, a hangup, or nothing) after the reaction delay.
/// </summary>
internal static class PhoneScript
{
    private static readonly TimeSpan SignallingDelay = TimeSpan.FromMilliseconds(10);

    public static async Task RunAsync(SwitchCore core, SandboxChannel leg, SimulatedExtension phone)
    {
        var token = leg.HangupToken;
        try
        {
            await Task.Delay(SignallingDelay, core.Time, token);
            switch (phone.Behaviour)
            {
                case ExtensionBehaviour.Busy:
                case ExtensionBehaviour.Rejects:
                    await Task.Delay(SignallingDelay, core.Time, token);
                    lock (core.Sync)
                    {
                        leg.HangupNow(phone.Behaviour == ExtensionBehaviour.Busy ? "USER_BUSY" : "CALL_REJECTED", remote: true);
                    }

                    return;
                case ExtensionBehaviour.NoAnswer:
                    lock (core.Sync)
                    {
                        leg.MarkRinging();
                    }

                    return;
                case ExtensionBehaviour.Answers:
                    lock (core.Sync)
                    {
                        leg.MarkRinging();
                    }

                    await Task.Delay(phone.AnswerDelay, core.Time, token);
                    lock (core.Sync)
                    {
                        if (phone.DisplayName is { } display)
                        {
                            // The 200 OK's display name becomes the callee id of the leg.
                            leg.Profile.CalleeIdName = display;
                        }

                        if (!leg.MarkAnswered())
                        {
                            return;
                        }
                    }

                    await ReactAsync(core, leg, phone, token);
                    return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task ReactAsync(SwitchCore core, SandboxChannel leg, SimulatedExtension phone, CancellationToken token)
    {
        if (phone.AnnouncementResponse == AnnouncementResponse.Silent)
        {
            return;
        }

        await Task.Delay(phone.ReactionDelay, core.Time, token);
        switch (phone.AnnouncementResponse)
        {
            case AnnouncementResponse.Accepts:
                leg.SendDtmf(phone.AcceptDigit);
                break;
            case AnnouncementResponse.Refuses:
                leg.SendDtmf(phone.RefuseDigit);
                break;
            case AnnouncementResponse.HangsUp:
                await leg.HangupAsync();
                break;
        }
    }
}
