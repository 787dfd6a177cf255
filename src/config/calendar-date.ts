/**
 * Calendar dates (`2027-01-31`) as the acceptances' `expires` uses them: a day in UTC, compared
 * as text (the format sorts like the dates it names).
 */
export const CALENDAR_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Whether `YYYY-MM-DD` names a day that exists (no 2027-02-30). */
export function isExistingDate(text: string): boolean {
  if (!CALENDAR_DATE_PATTERN.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The UTC day of an instant, as `YYYY-MM-DD`. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The same day a year later (29 February becomes 28 February). */
export function oneYearAfter(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  const next = new Date(Date.UTC((year ?? 0) + 1, (month ?? 1) - 1, date ?? 1));
  // 29 Feb + 1 year rolls over to 1 March: step back to the last day of February.
  if (next.getUTCDate() !== date) next.setUTCDate(0);
  return next.toISOString().slice(0, 10);
}

/** The day `days` days after `day`. */
export function daysAfter(day: string, days: number): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}
