namespace Integration.Domain.Calendar;

/// <summary>
/// A durable deadline a transition starts: named per record (e.g. <c>claim:housing</c>), with the
/// action its wake-up runs, counted from its rule at the end of the last working day, or at the
/// start of it for a <paramref name="Reminder"/>. <paramref name="Data"/> travels with the wake-up
/// (the department the clock belongs to).
/// </summary>
public sealed record ClockStart(string Name, string Action, ClockBasis Basis, bool Reminder, string? Data);
