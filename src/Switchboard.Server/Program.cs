using Switchboard.Server.Admin;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Observability;
using Switchboard.Server.Recordings;
using Switchboard.Server.Security;
using Switchboard.Server.Summaries;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tickets.Helpdesk;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers.Destinations;
using Switchboard.Server.Transfers.Execution;

var builder = WebApplication.CreateBuilder(args);

builder.AddObservability();
builder.AddData();
builder.AddTools();
builder.AddRecordings();
builder.AddHelpdesk();
builder.AddSummaries();
builder.AddSecurity();
builder.AddTelephony();
builder.AddCalls();
builder.AddDestinations();
builder.AddTransfers();
builder.AddAdmin();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.MapObservability();
app.MapCalls();
app.MapTelephony();
app.MapRecordings();
app.MapHelpdesk();
app.MapDestinations();
app.MapAdmin();

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
