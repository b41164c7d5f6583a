using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Observability;
using Switchboard.Server.Security;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers.Destinations;

var builder = WebApplication.CreateBuilder(args);

builder.AddObservability();
builder.AddData();
builder.AddTools();
builder.AddSecurity();
builder.AddTelephony();
builder.AddCalls();
builder.AddDestinations();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.MapObservability();
app.MapCalls();
app.MapTelephony();
app.MapDestinations();

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
