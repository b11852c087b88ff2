import { formatUsd, usdToMicro } from '../core/money';
import { MonthFold } from '../core/ledger/monthFold';
import type { LedgerRecord } from '../core/ledger/records';
import { readTeamBudgets, setTeamBudget } from '../node/pgTeamBudgets';
import { JsonlLedgerStore } from '../node/jsonlLedgerStore';
import { cliLedgerBackend } from './cliLedger';
import { defaultLedgerDir } from './ledgerLocation';
import { renderTable } from './table';
import { UsageError } from './usageError';

type Values = Record<string, string | boolean | undefined>;

const usd = (v: string | boolean | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || n > 1_000_000) throw new UsageError(`${flag} must be a number of dollars, e.g. ${flag} 50 (got ${JSON.stringify(v)})`);
  return usdToMicro(n);
};

function teamOnly(values: Values, what: string) {
  const b = cliLedgerBackend({ ...(typeof values.ledger === 'string' ? { ledger: values.ledger } : {}), ...(typeof values.config === 'string' ? { config: values.config } : {}) });
  if (!b.team) throw new UsageError(`${what} needs the team ledger: set COSTWISE_PG_URL, or "ledger": { "backend": "postgres", "postgresUrl": … } in the config file`);
  return { ...b, team: b.team };
}

/**
 * `costwise budget set [--team USD] [--per-person USD] [--person NAME --usd USD] [--daily]` and
 * `costwise budget show`: the team's budgets, kept in the team ledger and read by every window.
 */
export async function budgetCommand(sub: string | undefined, values: Values, out: (s: string) => void): Promise<number> {
  const b = teamOnly(values, 'costwise budget');
  try {
    if (sub === 'set') {
      const field = values.daily ? 'daily' : 'monthly';
      const team = usd(values.team, '--team');
      const perPerson = usd(values['per-person'], '--per-person');
      const person = typeof values.person === 'string' ? values.person.trim() : undefined;
      const own = usd(values.usd, '--usd');
      if (person !== undefined && own === undefined) throw new UsageError('--person NAME needs --usd USD (that person\'s limit)');
      if (team === undefined && perPerson === undefined && own === undefined) throw new UsageError('budget set needs --team USD, --per-person USD, or --person NAME --usd USD');
      if (team !== undefined) await setTeamBudget(b.team, 'team', { [field]: team }, b.person);
      if (perPerson !== undefined) await setTeamBudget(b.team, 'per-person', { [field]: perPerson }, b.person);
      if (person !== undefined && own !== undefined) await setTeamBudget(b.team, `person:${person}`, { [field]: own }, b.person);
    } else if (sub !== 'show') throw new UsageError('usage: costwise budget set|show');
    const budgets = await readTeamBudgets(b.team);
    if (values.json) out(JSON.stringify(budgets));
    else {
      const cell = (m: number | undefined) => (m === undefined ? '–' : formatUsd(m));
      const rows = [['team', cell(budgets.team?.monthly), cell(budgets.team?.daily)], ['each person', cell(budgets.perPerson?.monthly), cell(budgets.perPerson?.daily)], ...Object.entries(budgets.people).map(([p, l]) => [p, cell(l.monthly), cell(l.daily)])];
      out(`Budgets in ${b.describe}\n`);
      out(renderTable(['who', 'monthly', 'daily'], rows));
    }
    return 0;
  } finally {
    await b.close();
  }
}

/** `costwise ledger import [--from DIR]`: copies this machine's history into the team ledger; running it again adds nothing. */
export async function ledgerImportCommand(values: Values, out: (s: string) => void): Promise<number> {
  const b = teamOnly(values, 'costwise ledger import');
  try {
    const from = new JsonlLedgerStore(typeof values.from === 'string' ? values.from : defaultLedgerDir());
    let read = 0;
    let added = 0;
    let corrupt = 0;
    for (const month of await from.months()) {
      const chunk = await from.readMonth(month);
      corrupt += chunk.corrupt.length;
      // Local history is this person's: records without a person are imported as theirs.
      const records = chunk.records.map((r) => (r.kind !== 'release' && r.person === undefined ? ({ ...r, person: b.person } as LedgerRecord) : r));
      read += records.length;
      added += await b.team.importRecords(records);
      const f = new MonthFold(month);
      for (const r of records) f.apply(r);
      out(`${month}: ${records.length} records, ${formatUsd(f.total)} settled`);
    }
    out(`imported ${added} new of ${read} records from ${from.dir} into ${b.describe}${read > added ? ` (${read - added} were already there)` : ''}${corrupt ? `; ${corrupt} damaged line(s) left out` : ''}`);
    return 0;
  } finally {
    await b.close();
  }
}
