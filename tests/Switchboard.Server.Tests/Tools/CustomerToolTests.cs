using System.Text.Json;
using Switchboard.Server.Contacts;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Tests.Tools;

public sealed class CustomerToolTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    private const string ByCaller = """{"phone":null}""";

    [Theory]
    [InlineData("11988887777", "+5511988887777")]
    [InlineData("1133334444", "+551133334444")]
    [InlineData("011988887777", "+5511988887777")]
    [InlineData("01511988887777", "+5511988887777")]
    [InlineData("0 21 11 3333-4444", "+551133334444")]
    [InlineData("5511988887777", "+5511988887777")]
    [InlineData("+55 (11) 9 8888-7777", "+5511988887777")]
    [InlineData("+1 (212) 555-0123", "+12125550123")]
    [InlineData("12125550123", "12125550123")]
    [InlineData("1004", "1004")]
    [InlineData("988887777", "988887777")]
    [InlineData("0011 1 212 555 0123", "001112125550123")]
    [InlineData("anonymous", null)]
    [InlineData("", null)]
    public void Brazilian_numbers_become_E164_and_others_stay_as_given(string raw, string? expected)
    {
        Assert.Equal(expected, PhoneNumbers.ToE164(raw));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Lookup_finds_the_caller_by_number_in_any_brazilian_format(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        await AddContactAsync(host, tenant, "Maria Souza", "+5511988887777", "Acme Ltda");

        foreach (string callerNumber in new[] { "11988887777", "011988887777", "5511988887777", "+5511988887777" })
        {
            ToolCallContext call = ToolsHost.Call(tenant, callerNumber: callerNumber);
            ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.LookupCustomer, ByCaller, CancellationToken.None);

            JsonElement result = ToolsHost.Parse(outcome.ResultJson);
            Assert.True(result.GetProperty("ok").GetBoolean());
            Assert.True(result.GetProperty("found").GetBoolean(), callerNumber);
            JsonElement contact = result.GetProperty("contact");
            Assert.Equal("Maria Souza", contact.GetProperty("name").GetString());
            Assert.Equal("Acme Ltda", contact.GetProperty("company").GetString());
            Assert.Equal("maria@example.com", contact.GetProperty("email").GetString());
            Assert.Equal(JsonValueKind.Null, contact.GetProperty("notes").ValueKind);
            ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
            Assert.True(audit.Succeeded);
            Assert.Equal(ToolNames.LookupCustomer, audit.Name);
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Lookup_uses_a_phone_the_caller_gives_and_says_when_nobody_is_found(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        await AddContactAsync(host, tenant, "Carlos", "+551133334444", null);
        ToolCallContext call = ToolsHost.Call(tenant, callerNumber: "11977776666");

        JsonElement given = ToolsHost.Parse((await host.Tools.InvokeAsync(call, ToolNames.LookupCustomer, """{"phone":"(11) 3333-4444"}""", CancellationToken.None)).ResultJson);
        JsonElement own = ToolsHost.Parse((await host.Tools.InvokeAsync(call, ToolNames.LookupCustomer, ByCaller, CancellationToken.None)).ResultJson);
        JsonElement hidden = ToolsHost.Parse((await host.Tools.InvokeAsync(
            call with { CallerNumber = "anonymous" }, ToolNames.LookupCustomer, ByCaller, CancellationToken.None)).ResultJson);

        Assert.Equal("Carlos", given.GetProperty("contact").GetProperty("name").GetString());
        Assert.True(own.GetProperty("ok").GetBoolean());
        Assert.False(own.GetProperty("found").GetBoolean());
        Assert.Equal("+5511977776666", own.GetProperty("phone").GetString());
        Assert.False(own.TryGetProperty("contact", out _));
        Assert.False(hidden.GetProperty("ok").GetBoolean());
        Assert.Contains("hidden", hidden.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_contact_of_another_tenant_is_never_found(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid mine = await host.Store.CreateTenantAsync();
        Guid theirs = await host.Store.CreateTenantAsync();
        await AddContactAsync(host, theirs, "Cliente de outra empresa", "+5511988887777", "Outra");

        JsonElement before = ToolsHost.Parse((await host.Tools.InvokeAsync(
            ToolsHost.Call(mine), ToolNames.LookupCustomer, ByCaller, CancellationToken.None)).ResultJson);
        await AddContactAsync(host, mine, "Cliente meu", "+5511988887777", "Minha");
        JsonElement after = ToolsHost.Parse((await host.Tools.InvokeAsync(
            ToolsHost.Call(mine), ToolNames.LookupCustomer, ByCaller, CancellationToken.None)).ResultJson);
        JsonElement theirView = ToolsHost.Parse((await host.Tools.InvokeAsync(
            ToolsHost.Call(theirs), ToolNames.LookupCustomer, ByCaller, CancellationToken.None)).ResultJson);

        Assert.True(before.GetProperty("ok").GetBoolean());
        Assert.False(before.GetProperty("found").GetBoolean());
        Assert.Equal("Cliente meu", after.GetProperty("contact").GetProperty("name").GetString());
        Assert.Equal("Cliente de outra empresa", theirView.GetProperty("contact").GetProperty("name").GetString());
    }

    private static Task AddContactAsync(ToolsHost host, Guid tenant, string name, string phone, string? company) =>
        host.InTenantAsync(tenant, async db =>
        {
            db.Contacts.Add(new Contact { Id = Guid.NewGuid(), Name = name, Phone = phone, Company = company, Email = company is null ? null : "maria@example.com" });
            await db.SaveChangesAsync();
        });
}
