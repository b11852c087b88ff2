import * as vscode from 'vscode';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { describeOrphans, MAX_RESERVATION_AGE_MS } from '../core/ledger/orphans';

/**
 * After a crash between reserve and settle, the money held is recorded at its reserved amount (never
 * forgotten, never $0) and the user is told. Runs once, shortly after start-up, off the activation path.
 */
export async function sweepOrphans(ledger: SpendLedger, isAlive: (owner: string) => boolean): Promise<number> {
  const orphans = await ledger.settleOrphans(isAlive, MAX_RESERVATION_AGE_MS);
  if (orphans.length) void vscode.window.showWarningMessage(`Costwise: ${describeOrphans(orphans)}`);
  return orphans.length;
}
