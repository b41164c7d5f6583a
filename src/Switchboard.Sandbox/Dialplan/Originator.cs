namespace Switchboard.Sandbox.Dialplan;

/// <summary>An originate: the dial string, the ring timeout in seconds, caller id overrides, the channel that
/// originates (for <c>bridge</c>) and whether it runs in a <c>bgapi</c> job.</summary>
internal sealed record OriginateRequest(string DialString, int TimeoutSeconds, string? CallerIdName, string? CallerIdNumber,
    SandboxChannel? Caller, bool Background);

/// <summary>The originated channel (answered, or with early media) or the failure cause.</summary>
internal sealed record OriginateResult(SandboxChannel? Channel, string Cause);

/// <summary>
/// <c>switch_ivr_originate</c> for the sandbox's endpoints: <c>user/</c> (simulated phones of the directory),
/// <c>loopback/</c> (a local leg pair running the dialplan), <c>error/</c>, and <c>sofia/</c> (unreachable unless it
/// names a configured extension). Legs of a group ring together; groups fail over in order.
/// </summary>
internal sealed class Originator
{
    private static readonly TimeSpan ApiEarly = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan BackgroundLate = TimeSpan.FromMilliseconds(20);
    private readonly SwitchCore _core;

    public Originator(SwitchCore core)
    {
        _core = core;
    }

    public async Task<OriginateResult> OriginateAsync(OriginateRequest request, CancellationToken cancellationToken)
    {
        var dial = DialString.Parse(request.DialString);
        var lastCause = "CHAN_NOT_IMPLEMENTED";
        var timeout = request.TimeoutSeconds;
        if (Find(dial.Variables, "originate_timeout") is { } t && HangupCauses.Atoi(t) > 0)
        {
            timeout = HangupCauses.Atoi(t);
        }

        foreach (var group in dial.Groups)
        {
            var legs = new List<SandboxChannel>();
            foreach (var leg in group)
            {
                var variables = new List<KeyValuePair<string, string>>(dial.Variables);
                variables.AddRange(leg.Variables);
                var (channel, cause) = CreateLeg(leg.Endpoint, variables, request);
                if (channel is null)
                {
                    lastCause = cause ?? "NORMAL_TEMPORARY_FAILURE";
                    continue;
                }

                // origination_uuid names the first leg created; later legs get their own UUIDs.
                dial.Variables.RemoveAll(v => string.Equals(v.Key, "origination_uuid", StringComparison.OrdinalIgnoreCase));
                legs.Add(channel);
            }

            if (legs.Count == 0)
            {
                continue;
            }

            var legTimeout = Find(dial.Variables, "leg_timeout") is { } lt && HangupCauses.Atoi(lt) > 0 ? HangupCauses.Atoi(lt) : timeout;
            var result = await RaceAsync(legs, legTimeout, dial.Variables, request, cancellationToken);
            if (result.Channel is not null)
            {
                return result;
            }

            lastCause = result.Cause;
            if (lastCause == "ORIGINATOR_CANCEL")
            {
                break;
            }
        }

        return new OriginateResult(null, lastCause);
    }

    private async Task<OriginateResult> RaceAsync(List<SandboxChannel> legs, int timeoutSeconds,
        List<KeyValuePair<string, string>> variables, OriginateRequest request, CancellationToken cancellationToken)
    {
        var ignoreEarlyMedia = ChannelVariables.True(Find(variables, "ignore_early_media"))
            || Find(variables, "ignore_early_media") is "consume" or "ring_ready";
        var returnRingReady = ChannelVariables.True(Find(variables, "return_ring_ready"));
        var limit = TimeSpan.FromSeconds(timeoutSeconds);
        limit = request.Background ? limit + BackgroundLate : limit - (limit > ApiEarly * 2 ? ApiEarly : limit / 4);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(limit, _core.Time, timer.Token);
        try
        {
            var lastCause = "NO_ANSWER";
            while (true)
            {
                var waits = new List<Task> { deadline };
                lock (_core.Sync)
                {
                    SandboxChannel? winner = null;
                    var active = 0;
                    foreach (var leg in legs)
                    {
                        if (leg.IsHungUp)
                        {
                            lastCause = leg.HangupCauseLocked;
                            continue;
                        }

                        active++;
                        if (leg.Answered || (leg.EarlyMedia && !ignoreEarlyMedia) || (returnRingReady && leg.Profile.Progress != 0))
                        {
                            winner ??= leg;
                        }

                        waits.Add(leg.WakeTask);
                    }

                    if (winner is not null)
                    {
                        foreach (var other in legs)
                        {
                            if (!ReferenceEquals(other, winner))
                            {
                                other.HangupNow("LOSE_RACE");
                            }
                        }

                        return new OriginateResult(winner, "SUCCESS");
                    }

                    if (active == 0)
                    {
                        return new OriginateResult(null, lastCause);
                    }

                    if (cancellationToken.IsCancellationRequested)
                    {
                        foreach (var leg in legs)
                        {
                            leg.HangupNow("ORIGINATOR_CANCEL");
                        }

                        return new OriginateResult(null, "ORIGINATOR_CANCEL");
                    }

                    if (deadline.IsCompleted)
                    {
                        foreach (var leg in legs)
                        {
                            leg.HangupNow("NO_ANSWER");
                        }

                        return new OriginateResult(null, "NO_ANSWER");
                    }
                }

                try
                {
                    await Task.WhenAny(waits);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        finally
        {
            await timer.CancelAsync();
            try
            {
                await deadline;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private (SandboxChannel? Channel, string? Cause) CreateLeg(string endpoint, List<KeyValuePair<string, string>> variables, OriginateRequest request)
    {
        var slash = endpoint.IndexOf('/', StringComparison.Ordinal);
        var type = slash > 0 ? endpoint[..slash].ToLowerInvariant() : endpoint.ToLowerInvariant();
        var data = slash > 0 ? endpoint[(slash + 1)..] : string.Empty;
        switch (type)
        {
            case "error":
                var cause = HangupCauses.Parse(data);
                return (null, cause == "NONE" ? "DESTINATION_OUT_OF_ORDER" : cause);
            case "user":
                return CreateUserLeg(data, variables, request);
            case "loopback":
                return CreateLoopbackLeg(data, variables, request);
            case "sofia":
                return CreateSofiaLeg(data, variables, request);
            default:
                Log.UnsupportedEndpoint(_core.Logger, endpoint);
                return (null, "CHAN_NOT_IMPLEMENTED");
        }
    }

    private (SandboxChannel?, string?) CreateUserLeg(string data, List<KeyValuePair<string, string>> variables, OriginateRequest request)
    {
        var at = data.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            return (null, "SUBSCRIBER_ABSENT");
        }

        var user = data[..at];
        var domain = data[(at + 1)..];
        if (_core.Directory.FindExtension(domain, user) is not { } phone)
        {
            return (null, "SUBSCRIBER_ABSENT");
        }

        if (phone.Behaviour == ExtensionBehaviour.NotRegistered)
        {
            return (null, "USER_NOT_REGISTERED");
        }

        variables.Add(new("dialed_user", user));
        variables.Add(new("dialed_domain", domain));
        variables.Add(new("presence_id", $"{user}@{domain}"));
        return (CreatePhoneLeg(user, domain, phone, variables, request), null);
    }

    private (SandboxChannel?, string?) CreateSofiaLeg(string data, List<KeyValuePair<string, string>> variables, OriginateRequest request)
    {
        if (data.StartsWith("gateway/", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "INVALID_GATEWAY");
        }

        var slash = data.IndexOf('/', StringComparison.Ordinal);
        var target = slash >= 0 ? data[(slash + 1)..] : data;
        var at = target.IndexOf('@', StringComparison.Ordinal);
        var user = at > 0 ? target[..at] : target;
        var host = at > 0 ? target[(at + 1)..] : string.Empty;
        var colon = host.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            host = host[..colon];
        }

        if (_core.Directory.FindExtension(host, user) is { Behaviour: not ExtensionBehaviour.NotRegistered } phone)
        {
            return (CreatePhoneLeg(user, host, phone, variables, request), null);
        }

        // Nobody answers the INVITE at that address: the leg fails like a SIP call to a port with no listener.
        var channel = NewLeg("sofia/internal/" + target, target, variables, request, ChannelKind.Sofia);
        if (channel is null)
        {
            return (null, "NORMAL_TEMPORARY_FAILURE");
        }

        _core.Work.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _core.Time, _core.Stopping);
            lock (_core.Sync)
            {
                channel.HangupNow("NORMAL_TEMPORARY_FAILURE");
            }
        });
        return (channel, null);
    }

    private SandboxChannel? CreatePhoneLeg(string user, string domain, SimulatedExtension phone, List<KeyValuePair<string, string>> variables, OriginateRequest request)
    {
        var channel = NewLeg($"sofia/internal/{user}@{domain}", user, variables, request, ChannelKind.Sofia);
        if (channel is null)
        {
            return null;
        }

        lock (_core.Sync)
        {
            channel.Phone = phone;
            channel.Media.FarEndVoice = phone.Voice;
            channel.Vars.Set("sip_to_user", user);
            channel.Vars.Set("sip_to_host", domain);
            channel.Vars.Set("domain_name", domain);
            if (_core.Directory.TryGetDomain(domain, out var domainUuid))
            {
                channel.Vars.Set("domain_uuid", domainUuid.ToString());
            }
        }

        _core.Work.Run(() => PhoneScript.RunAsync(_core, channel, phone));
        return channel;
    }

    private (SandboxChannel?, string?) CreateLoopbackLeg(string data, List<KeyValuePair<string, string>> variables, OriginateRequest request)
    {
        string exten;
        string context = "default";
        string dialplan = "XML";
        Dialplan.DialplanAction? app = null;
        if (data.StartsWith("app=", StringComparison.OrdinalIgnoreCase))
        {
            var spec = data[4..];
            var colon = spec.IndexOf(':', StringComparison.Ordinal);
            app = colon >= 0 ? new DialplanAction(spec[..colon], spec[(colon + 1)..]) : new DialplanAction(spec, null);
            exten = app.Application;
        }
        else
        {
            var parts = data.Split('/');
            exten = parts[0];
            if (parts.Length > 1 && parts[1].Length > 0)
            {
                context = parts[1];
            }

            if (parts.Length > 2 && parts[2].Length > 0)
            {
                dialplan = parts[2];
            }
        }

        var a = NewLeg($"loopback/{exten}-a", exten, variables, request, ChannelKind.Loopback);
        if (a is null)
        {
            return (null, "NORMAL_TEMPORARY_FAILURE");
        }

        SandboxChannel b;
        lock (_core.Sync)
        {
            b = _core.CreateChannel(SwitchCore.NewUuid(), $"loopback/{exten}-b", inbound: true, ChannelKind.Loopback, ch =>
            {
                ch.Profile.Source = "mod_loopback";
                ch.Profile.CallerIdName = a.Profile.CallerIdName;
                ch.Profile.CallerIdNumber = a.Profile.CallerIdNumber;
                ch.Profile.OrigCallerIdName = a.Profile.CallerIdName;
                ch.Profile.OrigCallerIdNumber = a.Profile.CallerIdNumber;
                ch.Profile.Ani = a.Profile.CallerIdNumber;
                ch.Profile.Username = a.Profile.Username;
                ch.Profile.NetworkAddr = string.Empty;
                ch.Profile.DestinationNumber = exten;
                ch.Profile.Context = context;
                ch.Profile.Dialplan = dialplan;
                foreach (var v in a.Vars.Items)
                {
                    if (!string.Equals(v.Key, "uuid", StringComparison.OrdinalIgnoreCase) && !v.Key.StartsWith("origination_uuid", StringComparison.OrdinalIgnoreCase))
                    {
                        ch.Vars.Set(v.Key, v.Value);
                    }
                }

                ch.Vars.Set("other_loopback_leg_uuid", a.Uuid);
            })!;
            a.LoopbackPeer = b;
            b.LoopbackPeer = a;
            a.Media.ConnectLoopback(b.Media);
            a.Vars.Set("other_loopback_leg_uuid", b.Uuid);
            b.Begin(app is null ? StartAction.Route : StartAction.Run(app));
        }

        return (a, null);
    }

    /// <summary>Creates an outbound leg with the originate caller profile and variables; null if the UUID is taken.</summary>
    private SandboxChannel? NewLeg(string name, string destination, List<KeyValuePair<string, string>> variables, OriginateRequest request, ChannelKind kind)
    {
        var uuid = Find(variables, "origination_uuid") is { Length: > 0 } chosen ? chosen : SwitchCore.NewUuid();
        lock (_core.Sync)
        {
            return _core.CreateChannel(uuid, name, inbound: false, kind, ch =>
            {
                var caller = request.Caller;
                var cidName = Find(variables, "origination_caller_id_name") ?? request.CallerIdName ?? caller?.Profile.CallerIdName ?? string.Empty;
                var cidNumber = Find(variables, "origination_caller_id_number") ?? request.CallerIdNumber ?? caller?.Profile.CallerIdNumber ?? "0000000000";
                ch.Profile.CallerIdName = cidName;
                ch.Profile.CallerIdNumber = cidNumber;
                ch.Profile.OrigCallerIdName = cidName;
                ch.Profile.OrigCallerIdNumber = cidNumber;
                ch.Profile.Ani = cidNumber;
                ch.Profile.DestinationNumber = destination;
                ch.Profile.CalleeIdName = "Outbound Call";
                ch.Profile.CalleeIdNumber = destination;
                ch.Profile.Source = kind == ChannelKind.Loopback ? "mod_loopback" : "mod_sofia";
                ch.Profile.Context = caller?.Profile.Context ?? "default";
                ch.Profile.Dialplan = "XML";
                foreach (var v in variables)
                {
                    ch.Vars.Set(v.Key, v.Value);
                }

                if (caller is not null)
                {
                    ch.Vars.Set("originating_leg_uuid", caller.Uuid);
                    ch.Vars.Set("call_uuid", caller.Vars.Get("call_uuid") ?? caller.Uuid);
                    if (caller.Vars.Get("domain_name") is { } domainName && ch.Vars.Get("domain_name") is null)
                    {
                        ch.Vars.Set("domain_name", domainName);
                    }
                }
            });
        }
    }

    private static string? Find(List<KeyValuePair<string, string>> variables, string name)
    {
        string? value = null;
        foreach (var v in variables)
        {
            if (string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v.Value;
            }
        }

        return value;
    }
}
