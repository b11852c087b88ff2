import * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { formatUsd } from '../core/money';

/** Reservations older than this are orphans even when their owner cannot be checked (another host). */
const MAX_RESERVATION_AGE_MS = 6 * 60 * 60 * 1000;

/**
 * After a crash between reserve and settle, the money held is recorded at its reserved amount (never
 * forgotten, never $0) and the user is told. Runs once, shortly after start-up, off the activation path.
 */
export async function sweepOrphans(ledger: SpendLedger, isAlive: (owner: string) => boolean): Promise<number> {
  const orphans = await ledger.orphans(isAlive, MAX_RESERVATION_AGE_MS);
  let total = 0;
  for (const r of orphans) {
    await ledger.settleOrphan(r);
    total += r.amount;
  }
  if (orphans.length) {
    void vscode.window.showWarningMessage(
      `Costwise: ${orphans.length} request${orphans.length === 1 ? ' was' : 's were'} interrupted before ${orphans.length === 1 ? 'its' : 'their'} cost was known (a crash or a closed window). ` +
        `${orphans.length === 1 ? 'It is' : 'They are'} recorded at the reserved worst case, ${formatUsd(total)} in all, marked as estimated.`,
    );
  }
  return orphans.length;
}
