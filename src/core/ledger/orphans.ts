import { formatUsd, type MicroUsd } from '../money';
import type { ReserveRecord } from './records';

/** Reservations older than this are orphans even when their owner cannot be checked (another host). */
export const MAX_RESERVATION_AGE_MS = 6 * 60 * 60 * 1000;

/** What the user is told after orphans were settled at their reserved worst case. */
export function describeOrphans(orphans: readonly ReserveRecord[]): string {
  const n = orphans.length;
  const total: MicroUsd = orphans.reduce((a, r) => a + r.amount, 0);
  return (
    `${n} request${n === 1 ? ' was' : 's were'} interrupted before ${n === 1 ? 'its' : 'their'} cost was known (a crash, a killed process or a closed window). ` +
    `${n === 1 ? 'It is' : 'They are'} recorded at the reserved worst case, ${formatUsd(total)} in all, marked as estimated.`
  );
}
