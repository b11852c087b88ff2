import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseBackend, NODE_LLAMA_CPP_VERSION, offerState, packagesFor, type GpuProbe } from '../../src/core/runtime/gpuBackend';
import { DEFAULT_GPU_REGISTRY, parseLocalSettings } from '../../src/core/localSettings';
import { packumentUrl, releaseOf, sha512OfIntegrity } from '../../src/core/runtime/npmPackument';
import { fetchGpuPackage, installedEntries, packageDir } from '../../src/runtime/gpuPackages';
import { EmbeddedProvider } from '../../src/runtime/embeddedProvider';
import { EmbeddedRuntime, type RuntimeEvent } from '../../src/runtime/embeddedRuntime';
import { extractNpmTarball } from '../../src/runtime/tarReader';
import { until } from '../harness/condition';
import { testModel, tinyModels } from '../harness/testModels';
import { makeTarball, packageTarball, sriOf, startLoopbackRegistry, type LoopbackRegistry } from '../harness/loopbackRegistry';

const VULKAN = '@node-llama-cpp/linux-x64-vulkan';
const V = NODE_LLAMA_CPP_VERSION;
const linux: GpuProbe = { platform: 'linux', arch: 'x64', vulkanLoader: false, cudaRuntime: false };
const h200 = { name: 'NVIDIA H200', bytes: 143771 * 2 ** 20 };

describe('GPU build: which backend', () => {
  it('auto takes CUDA on an NVIDIA GPU, with the -ext package only when the CUDA runtime is missing', () => {
    assert.deepEqual(chooseBackend('auto', { ...linux, nvidia: h200 }), { kind: 'gpu', backend: 'cuda', gpuName: 'NVIDIA H200', packages: ['@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-cuda-ext'] });
    assert.deepEqual(packagesFor('cuda', true), ['@node-llama-cpp/linux-x64-cuda']);
  });
  it('auto stays on the CPU without an identified GPU, and says why', () => {
    const c = chooseBackend('auto', { ...linux, vulkanLoader: true });
    assert.equal(c.kind, 'cpu');
    assert.match((c as { reason: string }).reason, /set costwise\.local\.gpu to vulkan/);
    assert.match((chooseBackend('auto', linux) as { reason: string }).reason, /no usable GPU/);
  });
  it('an explicit backend is used when the machine can run it, else the CPU with the reason', () => {
    assert.equal((chooseBackend('vulkan', { ...linux, vulkanLoader: true }) as { backend: string }).backend, 'vulkan');
    assert.deepEqual((chooseBackend('vulkan', { ...linux, nvidia: h200, vulkanLoader: true }) as { packages: string[] }).packages, [VULKAN]);
    assert.match((chooseBackend('cuda', linux) as { reason: string }).reason, /nvidia-smi finds no NVIDIA GPU/);
    assert.match((chooseBackend('vulkan', { ...linux, nvidia: h200 }) as { reason: string }).reason, /no Vulkan loader/);
    assert.equal(chooseBackend('off', { ...linux, nvidia: h200 }).kind, 'cpu');
    assert.match((chooseBackend('auto', { ...linux, platform: 'darwin', arch: 'arm64', nvidia: h200 }) as { reason: string }).reason, /Linux x64 only/);
  });
  it('pins the GPU packages to the node-llama-cpp that is installed and declared', () => {
    const root = join(__dirname, '..', '..', '..');
    assert.equal(JSON.parse(readFileSync(join(root, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')).version, V);
    assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies['node-llama-cpp'], V);
  });
});

describe('GPU build: settings', () => {
  it('costwise.local.gpu and costwise.local.gpuRegistry parse, and bad values are named', () => {
    const bad: string[] = [];
    const ok = parseLocalSettings({ 'local.gpu': 'vulkan', 'local.gpuRegistry': 'http://127.0.0.1:4873/' }, (k, m) => bad.push(`${k}: ${m}`));
    assert.equal(ok.gpu, 'vulkan');
    assert.equal(ok.gpuRegistry, 'http://127.0.0.1:4873');
    assert.equal(bad.length, 0);
    const d = parseLocalSettings({ 'local.gpu': 'metal', 'local.gpuRegistry': 'http://mirror.example/' }, (k, m) => bad.push(`${k}: ${m}`));
    assert.equal(d.gpu, 'auto');
    assert.equal(d.gpuRegistry, DEFAULT_GPU_REGISTRY);
    assert.deepEqual(bad, ['local.gpu: must be auto, off, cuda or vulkan (got "metal"); using auto.', 'local.gpuRegistry: "http://mirror.example/" is not an https URL (or a loopback http one); using the default registry.']);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    for (const k of ['costwise.local.gpu', 'costwise.local.gpuRegistry']) {
      assert.equal(pkg.contributes.configuration.properties[k].scope, 'application', k);
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(k), k);
    }
    assert.equal(pkg.contributes.configuration.properties['costwise.local.gpuRegistry'].default, DEFAULT_GPU_REGISTRY);
  });
});

describe('GPU build: consent', () => {
  const cuda = chooseBackend('auto', { ...linux, nvidia: h200 });
  it('offers once per backend and version; a decline is kept; an accepted, unfinished download resumes', () => {
    assert.equal(offerState(cuda, false, undefined), 'offer');
    assert.equal(offerState(cuda, false, { backend: 'cuda', version: V, answer: 'declined' }), 'none');
    assert.equal(offerState(cuda, false, { backend: 'cuda', version: V, answer: 'accepted' }), 'resume');
    assert.equal(offerState(cuda, true, { backend: 'cuda', version: V, answer: 'accepted' }), 'none');
    assert.equal(offerState(cuda, false, { backend: 'cuda', version: '3.0.0', answer: 'declined' }), 'offer');
    assert.equal(offerState(cuda, false, { backend: 'vulkan', version: V, answer: 'declined' }), 'offer');
    assert.equal(offerState(chooseBackend('off', { ...linux, nvidia: h200 }), false, undefined), 'none');
  });
});

describe('GPU build: the registry packument', () => {
  const tgz = Buffer.from('x');
  const doc = (dist: object, name = VULKAN) => ({ name, versions: { [V]: { name, version: V, dist } } });
  it('addresses scoped packages the way the registry does', () => {
    assert.equal(packumentUrl('http://127.0.0.1:9/', VULKAN), 'http://127.0.0.1:9/@node-llama-cpp%2flinux-x64-vulkan');
    assert.throws(() => packumentUrl('http://127.0.0.1:9', '../etc'), /not an npm package name/);
  });
  it('takes the sha512 digest of the published integrity and refuses anything weaker or missing', () => {
    assert.equal(sha512OfIntegrity(`sha1-abc ${sriOf(tgz)}`), sriOf(tgz).slice(7));
    assert.throws(() => sha512OfIntegrity('sha1-qUqP5cyxm6YcTAhz05Hph5gvu9M='), /no sha512 digest/);
    assert.throws(() => releaseOf(doc({ tarball: 'https://r.example/t.tgz' }), VULKAN, V), /publishes no integrity/);
  });
  it('refuses a missing version, a packument for another package, a plain-HTTP tarball', () => {
    assert.throws(() => releaseOf(doc({ tarball: 'https://r.example/t.tgz', integrity: sriOf(tgz) }), VULKAN, '9.9.9'), /has no @node-llama-cpp\/linux-x64-vulkan@9\.9\.9/);
    assert.throws(() => releaseOf(doc({ tarball: 'https://r.example/t.tgz', integrity: sriOf(tgz) }, 'left-pad'), VULKAN, V), /answered for "left-pad"/);
    assert.throws(() => releaseOf(doc({ tarball: 'http://r.example/t.tgz', integrity: sriOf(tgz) }), VULKAN, V), /HTTPS only/);
    assert.throws(() => releaseOf('<html>', VULKAN, V), /not a packument/);
  });
});

describe('GPU build: download, verification and unpacking against a loopback registry', function () {
  this.timeout(20_000);
  let dir: string;
  let reg: LoopbackRegistry | undefined;
  const index = `export function getBinsDir() { return { binsDir: '/nonexistent', packageVersion: '${V}' }; }\n`;
  const big = randomBytes(400_000); // incompressible: the tarball spans many chunks
  const good = packageTarball(VULKAN, V, index, [{ name: 'package/bins/payload.bin', body: big }]);
  const fetchIt = (signal = new AbortController().signal, onProgress?: (p: { received: number }) => void) =>
    fetchGpuPackage({ registry: reg!.url, name: VULKAN, version: V, storageDir: dir, signal, ...(onProgress ? { onProgress } : {}) });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-gpu-'))));
  afterEach(async () => {
    await reg?.close();
    reg = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the packument, downloads, checks sha512, unpacks and records the package', async () => {
    reg = await startLoopbackRegistry([{ name: VULKAN, version: V, tarball: good }]);
    const r = await fetchIt();
    assert.equal(r.bytes, good.length);
    assert.deepEqual(reg.requests.map((q) => q.path), [`/${VULKAN}`, `/tarballs/@node-llama-cpp-linux-x64-vulkan-${V}.tgz`]);
    assert.deepEqual(readFileSync(join(r.dir, 'bins', 'payload.bin')), big);
    const entries = installedEntries(dir, [VULKAN], V)!;
    assert.match(entries[VULKAN]!, /^file:\/\/.*\/gpu\/3\.22\.1\/@node-llama-cpp\+linux-x64-vulkan\/dist\/index\.js$/);
    assert.equal(installedEntries(dir, [VULKAN, '@node-llama-cpp/linux-x64-cuda'], V), undefined);
    assert.deepEqual(readdirSync(join(dir, 'gpu', 'downloads')), []);
  });

  it('cancelled midway keeps the partial file and resumes it with a Range request', async () => {
    reg = await startLoopbackRegistry([{ name: VULKAN, version: V, tarball: good }]);
    reg.stallAfter = 100_000; // the server sends this much, then holds the connection open
    const partial = join(dir, 'gpu', 'downloads', `@node-llama-cpp+linux-x64-vulkan-${V}.tgz.partial`);
    const ac = new AbortController();
    // Cancel once everything the server sent is on disk (a condition, not a delay).
    const cancelWhenWritten = async () => {
      await until(() => (existsSync(partial) ? statSync(partial).size : 0) >= 100_000);
      ac.abort();
    };
    let waiting: Promise<void> | undefined;
    await assert.rejects(fetchIt(ac.signal, (p) => void (p.received >= 100_000 && (waiting ??= cancelWhenWritten()))), /cancelled; it will resume/);
    await waiting;
    assert.equal(statSync(partial).size, 100_000);
    assert.equal(installedEntries(dir, [VULKAN], V), undefined);
    const r = await fetchIt();
    assert.equal(r.resumedFrom, 100_000);
    assert.equal(reg.requests.at(-1)!.range, 'bytes=100000-');
    assert.deepEqual(readFileSync(join(r.dir, 'bins', 'payload.bin')), big);
  });

  it('a tarball that does not match the published integrity is deleted, not installed', async () => {
    reg = await startLoopbackRegistry([{ name: VULKAN, version: V, tarball: good, integrity: sriOf(Buffer.from('something else')) }]);
    await assert.rejects(fetchIt(), /failed its integrity check.*the file was deleted/);
    assert.equal(installedEntries(dir, [VULKAN], V), undefined);
    assert.deepEqual(readdirSync(join(dir, 'gpu', 'downloads')), []);
    assert.equal(existsSync(packageDir(dir, VULKAN, V)), false);
  });

  it('a corrupted tarball (integrity published for the corrupt bytes) fails to unpack and leaves nothing', async () => {
    const bad = Buffer.from(good);
    bad[bad.length >> 1] ^= 0xff;
    reg = await startLoopbackRegistry([{ name: VULKAN, version: V, tarball: bad }]);
    await assert.rejects(fetchIt(), /could not be unpacked/);
    assert.deepEqual(readdirSync(join(dir, 'gpu', '3.22.1')), []);
    assert.equal(installedEntries(dir, [VULKAN], V), undefined);
  });

  it('a tarball holding another package is refused', async () => {
    reg = await startLoopbackRegistry([{ name: VULKAN, version: V, tarball: packageTarball('@node-llama-cpp/linux-x64-cuda', V, index) }]);
    await assert.rejects(fetchIt(), /holds @node-llama-cpp\/linux-x64-cuda@3\.22\.1, not @node-llama-cpp\/linux-x64-vulkan/);
    assert.equal(installedEntries(dir, [VULKAN], V), undefined);
  });

  it('a registry error is said plainly', async () => {
    reg = await startLoopbackRegistry([]);
    await assert.rejects(fetchIt(), /answered HTTP 404 for @node-llama-cpp\/linux-x64-vulkan/);
  });

  it('hostile archives are refused with the entry named, and nothing lands outside the target', async () => {
    const limits = { maxBytes: 1_000_000, maxEntries: 100 };
    const cases: Array<[string, Parameters<typeof makeTarball>[0], RegExp]> = [
      ['climbs out', [{ name: 'package/../../escaped.txt', body: 'x' }], /climbs out of the package/],
      ['absolute', [{ name: '/tmp/costwise-absolute.txt', body: 'x' }], /absolute path/],
      ['symlink', [{ name: 'package/link', type: '2', linkname: '/etc/passwd' }], /symbolic link; only files and folders/],
      ['hard link', [{ name: 'package/hl', type: '1', linkname: 'package/package.json' }], /hard link/],
      ['outside package/', [{ name: 'other/file.txt', body: 'x' }], /outside package\//],
      ['too big', [{ name: 'package/a', body: Buffer.alloc(600_000) }, { name: 'package/b', body: Buffer.alloc(600_000) }], /more than 1000000 bytes/],
      ['too many', Array.from({ length: 101 }, (_, i) => ({ name: `package/f${i}` })), /more than 100 entries/],
      ['truncated', [{ name: 'package/a', body: 'short', claimedSize: 4096 }], /ends in the middle of an entry/],
      ['pax link', [{ name: 'package/PaxHeader', type: 'x', body: '24 linkpath=/etc/shadow\n' }, { name: 'package/x', body: '' }], /PAX linkpath/],
    ];
    for (const [i, [what, entries, err]] of cases.entries()) {
      const tgz = join(dir, `case${i}.tgz`);
      writeFileSync(tgz, makeTarball(entries));
      const out = join(dir, 'out', String(i));
      await assert.rejects(extractNpmTarball(tgz, out, limits), err, what);
    }
    assert.equal(existsSync(join(dir, 'escaped.txt')), false);
    assert.equal(existsSync(join(dir, 'out', 'escaped.txt')), false);
    assert.equal(existsSync('/tmp/costwise-absolute.txt'), false);
  });

  it('reads PAX long names', async () => {
    const long = `package/${'d'.repeat(120)}/file.txt`;
    const rec = ` path=${long}\n`;
    const len = String(rec.length + String(rec.length + 3).length).length + rec.length;
    const tgz = join(dir, 'pax.tgz');
    writeFileSync(tgz, makeTarball([{ name: 'package/PaxHeader', type: 'x', body: `${len}${rec}` }, { name: 'package/short-name', body: 'long one' }]));
    await extractNpmTarball(tgz, join(dir, 'pax'), { maxBytes: 1000, maxEntries: 10 });
    assert.equal(readFileSync(join(dir, 'pax', 'd'.repeat(120), 'file.txt'), 'utf8'), 'long one');
  });
});

describe('GPU build: the runtime uses a stored package, and falls back to the CPU build saying why', function () {
  this.timeout(60_000);
  it('node-llama-cpp imports the package from global storage; when its binary does not load, the CPU answers and the reason is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costwise-gpu-run-'));
    const marker = join(dir, 'imported');
    // A package shaped like @node-llama-cpp/linux-x64-vulkan whose bins hold no usable binary (CI has no GPU).
    const index = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'yes');\nexport function getBinsDir() { return { binsDir: ${JSON.stringify(join(dir, 'empty-bins'))}, packageVersion: '${V}' }; }\n`;
    const reg = await startLoopbackRegistry([{ name: VULKAN, version: V, tarball: packageTarball(VULKAN, V, index) }]);
    const events: RuntimeEvent[] = [];
    let runtime: EmbeddedRuntime | undefined;
    try {
      await fetchGpuPackage({ registry: reg.url, name: VULKAN, version: V, storageDir: dir, signal: new AbortController().signal });
      const packages = installedEntries(dir, [VULKAN], V)!;
      runtime = new EmbeddedRuntime({ entry: join(__dirname, '..', '..', 'src', 'runtime', 'childMain.js'), modelPath: await testModel('scripted'), threads: 1, contextSize: 1024, idleMs: 60_000, gpu: { backend: 'vulkan', packages }, onEvent: (e) => events.push(e) });
      const { SCRIPTED } = await tinyModels();
      let text = '';
      for await (const e of new EmbeddedProvider(runtime).stream({ model: 'x', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 200 }, new AbortController().signal)) {
        if (e.type === 'text') text += e.text;
        if (e.type === 'error') throw e.error;
      }
      assert.equal(text.trim(), SCRIPTED.answer);
      assert.equal(readFileSync(marker, 'utf8'), 'yes', 'node-llama-cpp resolved the stored package');
      const ready = events.filter((e) => e.type === 'ready') as Array<Extract<RuntimeEvent, { type: 'ready' }>>;
      assert.equal(ready.length, 1);
      assert.equal(ready[0]!.backend, 'cpu');
      assert.match(ready[0]!.gpuFallback ?? '', /^the vulkan build did not load \(.+\)$/);
      assert.equal(runtime.backend, 'cpu');
    } finally {
      await runtime?.stop();
      await reg.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
