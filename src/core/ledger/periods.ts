/** Calendar periods in the user's local time zone (budgets reset at local midnight and month start). */
const pad = (n: number) => String(n).padStart(2, '0');

export function localMonthKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

export function localDayKey(d: Date): string {
  return `${localMonthKey(d)}-${pad(d.getDate())}`;
}

export function previousMonthKey(d: Date): string {
  return localMonthKey(new Date(d.getFullYear(), d.getMonth() - 1, 1));
}

/** Number of days in the local month of `d` (28–31). */
export function daysInMonth(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
}
