/**
 * Run as its own process by the activation benchmark: loads an extension bundle against a stand-in for
 * the `vscode` module (every API a no-op), calls activate(), and prints the CPU and wall time of each
 * step as JSON. The Node built-ins the bundle uses are loaded first, as they already are in an extension
 * host, so only the extension's own code is measured.
 */
import Module = require('node:module');

function stub(name: string): unknown {
  const values = new Map<PropertyKey, unknown>();
  return new Proxy(function () {}, {
    set: (_t, p, v) => (values.set(p, v), true),
    get: (t, p) => {
      if (values.has(p)) return values.get(p);
      if (p === 'fsPath' || p === 'path') return `${process.env.COSTWISE_PROBE_DIR ?? '/tmp'}/${name}`;
      if (p === 'then') return undefined;
      if (p === Symbol.toPrimitive) return () => name;
      if (p === 'isTrusted') return true;
      const v = (t as unknown as Record<PropertyKey, unknown>)[p];
      if (v !== undefined && p !== 'name' && p !== 'length') return v;
      const s = stub(String(p));
      values.set(p, s);
      return s;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

const NAMESPACES = ['window', 'workspace', 'commands', 'lm', 'chat', 'Uri', 'SymbolKind', 'ViewColumn', 'StatusBarAlignment', 'ThemeColor', 'MarkdownString', 'EventEmitter', 'ProgressLocation', 'ConfigurationTarget', 'TabInputWebview', 'languages', 'extensions', 'env', 'Disposable', 'Selection', 'Range', 'Position', 'l10n'];
const vscode = Object.fromEntries(NAMESPACES.map((k) => [k, stub(k)]));
const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = M._load;
M._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
for (const m of ['node:child_process', 'node:crypto', 'node:fs', 'node:fs/promises', 'node:os', 'node:path', 'node:stream', 'node:stream/promises', 'node:worker_threads']) require(m);

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const c0 = process.cpuUsage();
const t0 = performance.now();
const ext = require(process.argv[2]!) as { activate(ctx: unknown): unknown };
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
const api = ext.activate({ subscriptions: [], globalStorageUri: stub('globalStorage'), extensionUri: stub('extension'), secrets: stub('secrets'), globalState: stub('globalState') }) as { explain?: unknown } | undefined;
const t2 = performance.now();
const c2 = process.cpuUsage(c0);
// What activation left for later: Costwise's spend tracker (built right after activation returns) and
// its engine (on first use), each loaded and built on first access.
const later = (read: () => unknown) => {
  const [c, t] = [process.cpuUsage(), performance.now()];
  read();
  return { cpu: cpuMs(process.cpuUsage(c)), wall: performance.now() - t };
};
const staged = api && 'explain' in api ? { spend: later(() => (api as { statusBar?: unknown }).statusBar), engine: later(() => api.explain) } : undefined;
const after = staged ? { spendCpuMs: staged.spend.cpu, spendMs: staged.spend.wall, engineCpuMs: staged.engine.cpu, engineMs: staged.engine.wall } : {};
process.stdout.write(JSON.stringify({ loadCpuMs: cpuMs(c1), activateCpuMs: cpuMs(c2) - cpuMs(c1), loadMs: t1 - t0, activateMs: t2 - t1, ...after }) + '\n');
setImmediate(() => process.exit(0)); // what activate() deferred starts here, outside the measurement
