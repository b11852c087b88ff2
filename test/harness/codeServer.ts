import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './condition';

/** Tools located by scripts/lib/toolchain.mjs and handed down through the environment. */
export interface Toolchain {
  node: string;
  entry: string;
  chromium: string;
}

export function toolchainFromEnv(): Toolchain {
  const node = process.env.COSTWISE_NODE24;
  const entry = process.env.COSTWISE_CODE_SERVER;
  const chromium = process.env.COSTWISE_CHROMIUM ?? '/usr/bin/chromium';
  if (!node || !entry) throw new Error('COSTWISE_NODE24 and COSTWISE_CODE_SERVER are not set: run the suites through `npm test`, which installs and locates them.');
  return { node, entry, chromium };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A sandboxed code-server: its own user data, extensions, HOME and XDG folders inside `runDir`. */
export interface CodeServerOptions {
  runDir: string;
  workspace: string;
  userSettings?: Record<string, unknown>;
  /** Extra `--vscode-option`s / flags. */
  extraArgs?: string[];
  env?: Record<string, string>;
  port?: number;
  /** Keep workspace trust on (tests of Restricted Mode). */
  workspaceTrust?: boolean;
  /** Pipe code-server's output here (defaults to a log file in runDir). */
  log?: (line: string) => void;
}

export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  // No test reaches the internet: price updates run only against loopback servers a test starts.
  'costwise.prices.autoUpdate': false,
};

export class CodeServer {
  private child: ChildProcess | undefined;
  port = 0;

  constructor(
    private readonly tools: Toolchain,
    private readonly opts: CodeServerOptions,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private dirs() {
    const d = this.opts.runDir;
    return { userData: join(d, 'user-data'), extensions: join(d, 'extensions'), home: join(d, 'home') };
  }

  private env(): NodeJS.ProcessEnv {
    const { home } = this.dirs();
    return {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      PATH: `${join(this.tools.node, '..')}:${process.env.PATH}`,
      // The marketplace is pointed at a closed loopback port: tests never reach beyond this machine.
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items', resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}' }),
      ...this.opts.env,
    };
  }

  /** Writes the user settings and folders; call before `installExtension` and `start`. */
  prepare(): void {
    const { userData, extensions, home } = this.dirs();
    for (const d of [join(userData, 'User'), extensions, home, this.opts.workspace]) mkdirSync(d, { recursive: true });
    const trust = this.opts.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {};
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...this.opts.userSettings }, null, 2));
    writeFileSync(join(this.opts.runDir, 'config.yaml'), 'auth: none\ncert: false\n');
  }

  /** The user's settings.json (edit it to change settings the way a user's editor would). */
  get userSettingsFile(): string {
    return join(this.dirs().userData, 'User', 'settings.json');
  }

  /** Where the installed extension keeps its spend ledger. */
  ledgerDir(extensionId: string): string {
    return join(this.dirs().userData, 'User', 'globalStorage', extensionId, 'ledger');
  }

  /** Where an installed extension's files are (`publisher.name-version`). */
  extensionDir(extensionId: string): string {
    const { extensions } = this.dirs();
    const found = readdirSync(extensions).filter((d) => d.toLowerCase().startsWith(`${extensionId.toLowerCase()}-`));
    if (found.length !== 1) throw new Error(`Expected one installed ${extensionId} in ${extensions}, found: ${found.join(', ') || 'none'}`);
    return join(extensions, found[0]!);
  }

  installExtension(vsix: string): void {
    const { userData, extensions } = this.dirs();
    const r = spawnSync(this.tools.node, [this.tools.entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force'], {
      env: this.env(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) throw new Error(`Installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }

  async start(): Promise<void> {
    const { userData, extensions } = this.dirs();
    this.port = this.opts.port ?? (await freePort());
    const args = [
      this.tools.entry,
      '--config', join(this.opts.runDir, 'config.yaml'),
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(this.opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      ...(this.opts.extraArgs ?? []),
      this.opts.workspace,
    ];
    const child = spawn(this.tools.node, args, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const logFile = join(this.opts.runDir, 'code-server.log');
    const { createWriteStream } = await import('node:fs');
    const sink = createWriteStream(logFile);
    for (const s of [child.stdout!, child.stderr!]) {
      s.on('data', (b: Buffer) => {
        sink.write(b);
        if (this.opts.log) for (const line of b.toString('utf8').split('\n')) if (line.trim()) this.opts.log(line);
      });
    }
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    await eventually(
      `code-server did not become ready (see ${logFile})`,
      async () => {
        if (exited !== undefined) throw new Error(`code-server exited with code ${exited} before it was ready; see ${logFile}`);
        return (await fetch(`${this.url}/healthz`).catch(() => undefined))?.ok; // not listening yet: undefined
      },
      { timeoutMs: 60_000, everyMs: 250 },
    );
  }

  /** Workbench URL for a folder, optionally with the smoke-test payload that runs an extension test suite. */
  workbenchUrl(payload?: Array<[string, string]>, folder = this.opts.workspace): string {
    const q = new URLSearchParams({ folder });
    if (payload) q.set('payload', JSON.stringify(payload));
    return `${this.url}/?${q.toString()}`;
  }

  /** A path on this machine as the workbench's remote URI. */
  remoteUri(path: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        c.kill('SIGKILL');
        resolve();
      }, 5000);
      c.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      c.kill('SIGTERM');
    });
  }
}
