import { parseArgs } from 'node:util';
import { SpendLedger } from '../core/ledger/spendLedger';
import { formatUsd, formatUsdExact } from '../core/money';
import { BUILTIN_PRICES } from '../core/pricing/catalog';
import { PriceCatalog } from '../core/pricing/priceCatalog';
import { JsonlLedgerStore } from '../node/jsonlLedgerStore';
import { systemClock } from '../node/systemClock';
import { defaultLedgerDir } from './ledgerLocation';
import { renderTable } from './table';

const HELP = `costwise — Costwise's spend ledger and price catalog, without VS Code

Usage:
  costwise prices [--json]                  the built-in price catalog (USD per 1M tokens)
  costwise spend [--ledger DIR] [--json]    today's and this month's spend from the ledger
  costwise --help | --version

The ledger is read from DIR, else $COSTWISE_LEDGER, else desktop VS Code's storage for Costwise.`;

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, ledger: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
  });
  const [command] = positionals;
  if (values.version) {
    out('0.1.0');
    return 0;
  }
  if (values.help || !command) {
    out(HELP);
    return values.help ? 0 : 2;
  }
  if (command === 'prices') {
    const rows = new PriceCatalog(BUILTIN_PRICES).current();
    if (values.json) out(JSON.stringify(rows, null, 2));
    else {
      const usd = (m: number | undefined) => (m === undefined ? '–' : String(m / 1e6));
      out(renderTable(['model', 'provider', 'input', 'cached', 'output', 'context', 'since'], rows.map((r) => [r.model, r.provider, usd(r.prices.input), usd(r.prices.cachedRead), usd(r.prices.output), String(r.contextWindow), r.effective])));
    }
    return 0;
  }
  if (command === 'spend') {
    const dir = values.ledger ?? defaultLedgerDir();
    const t = await new SpendLedger(new JsonlLedgerStore(dir), systemClock, () => '', 'cli').totals();
    if (values.json) out(JSON.stringify({ ledger: dir, todayMicroUsd: t.today, monthMicroUsd: t.month, reservedMicroUsd: t.reserved, requests: t.requests }));
    else out(`today ${formatUsd(t.today)} (${formatUsdExact(t.today)}) · month ${formatUsd(t.month)} (${formatUsdExact(t.month)}) · ${t.requests} requests\nledger: ${dir}`);
    return 0;
  }
  out(`costwise: unknown command "${command}"\n\n${HELP}`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`costwise: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
