namespace Switchboard.Server.Contacts;

public enum AppointmentStatus
{
    Scheduled,
    Confirmed,
    Cancelled,
    Completed,
}
