namespace Switchboard.Server.Tickets;

public enum TicketPriority
{
    Low,
    Normal,
    High,
    Urgent,
}
