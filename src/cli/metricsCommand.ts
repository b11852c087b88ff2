import { SpendLedger } from '../core/ledger/spendLedger';
import { localDayKey } from '../core/ledger/periods';
import type { LimitRule } from '../core/budget/budget';
import { renderOpenMetrics } from '../core/metrics/openMetrics';
import { serveMetrics, writeTextfile } from '../node/metricsExporter';
import { systemClock } from '../node/systemClock';
import { defaultConfigFile, loadCliConfig } from './cliConfig';
import { cliLedgerBackend, cliTeamRules } from './cliLedger';
import { UsageError } from './usageError';

type Values = Record<string, string | boolean | undefined>;

/**
 * `costwise metrics --listen HOST:PORT` serves the ledger's metrics until stopped (SIGINT/SIGTERM);
 * `--textfile PATH` writes them once, or every `--interval S` seconds, for node_exporter.
 */
export async function metricsCommand(values: Values, out: (s: string) => void, stop?: Promise<void>): Promise<number> {
  const listen = typeof values.listen === 'string' ? values.listen : undefined;
  const textfile = typeof values.textfile === 'string' ? values.textfile : undefined;
  if (!listen && !textfile) throw new UsageError('metrics needs --listen 127.0.0.1:PORT or --textfile PATH');
  let host = '';
  let port = 0;
  if (listen) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
    if (!m || Number(m[2]) > 65535) throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:9464 (got ${JSON.stringify(listen)})`);
    host = m[1]!.replace(/^\[|\]$/g, '');
    port = Number(m[2]);
  }
  const interval = typeof values.interval === 'string' ? Number(values.interval) : undefined;
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 1)) throw new UsageError('--interval must be a number of seconds >= 1');
  const opts = { ...(typeof values.ledger === 'string' ? { ledger: values.ledger } : {}), ...(typeof values.config === 'string' ? { config: values.config } : {}) };
  const b = cliLedgerBackend(opts);
  const ledger = new SpendLedger(b.store, systemClock, () => '', 'metrics');
  const ownRules = (): LimitRule[] => {
    const config = loadCliConfig(typeof values.config === 'string' ? values.config : defaultConfigFile());
    return b.team ? [] : [{ period: 'month', limit: config.monthlyBudget, setting: `budget.monthlyUsd in ${config.file}` }];
  };
  const render = async () => {
    const now = systemClock.now();
    const fold = await ledger.fold();
    const rules = [...ownRules(), ...(await cliTeamRules(b).catch(() => []))];
    return renderOpenMetrics(fold, rules, localDayKey(now));
  };
  const done = stop ?? new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve())));
  try {
    if (textfile) {
      writeTextfile(textfile, await render());
      out(`wrote ${textfile}`);
      if (interval === undefined && !listen) return 0;
    }
    let timer: NodeJS.Timeout | undefined;
    if (textfile && interval !== undefined) timer = setInterval(() => void render().then((t) => writeTextfile(textfile, t)).catch(() => undefined), interval * 1000);
    let server: import('node:http').Server | undefined;
    if (listen) {
      const s = await serveMetrics(host, port, render);
      server = s.server;
      out(`serving OpenMetrics from ${b.describe} at ${s.url}`);
    }
    await done;
    clearInterval(timer);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    return 0;
  } finally {
    ledger.dispose();
    await b.close();
  }
}
