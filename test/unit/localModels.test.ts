import { localModelKey } from '../../src/core/runtime/localModelIdentity';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distillKeyOf } from '../../src/core/runtime/distills';
import { adviseDistills, fullR1WhatIf, recommendedDistill } from '../../src/core/runtime/hardwareAdvisor';
import { discoverLocalServers, DiscoveryCache } from '../../src/runtime/discovery';
import { GgufError, parseGgufHeader, readGgufInfo } from '../../src/runtime/ggufInfo';
import { physicalCores } from '../../src/runtime/hardware';
import { startLlamaServer, type LlamaServer } from '../../src/runtime/llamaServer';
import { downloadModel } from '../../src/runtime/modelDownload';
import { startOllamaFixtureServer } from '../harness/ollamaServer';
import { until } from '../harness/condition';
import { testModel } from '../harness/testModels';

const GB = 1e9;

describe('GGUF header reader', () => {
  it('reads the architecture, name and vocabulary size of a written model', async () => {
    const info = await readGgufInfo(await testModel('scripted'));
    assert.equal(info.version, 3);
    assert.equal(info.metadata['general.architecture'], 'qwen2');
    assert.equal(info.metadata['tokenizer.ggml.pre'], 'deepseek-r1-qwen');
    assert.equal(info.metadata['qwen2.block_count'], 2);
    assert.ok(info.arrayLengths['tokenizer.ggml.tokens']! > 256);
    assert.equal(info.tensorCount, 2 + 2 * 12 + 1);
  });

  it('names what is wrong with a damaged file', async () => {
    const whole = readFileSync(await testModel('scripted'));
    assert.throws(() => parseGgufHeader(Buffer.from('PK\x03\x04 not a model')), /not a GGUF file/);
    assert.throws(() => parseGgufHeader(whole.subarray(0, 300)), GgufError);
    assert.throws(() => parseGgufHeader(whole.subarray(0, 300)), /ends inside its GGUF header/);
    const v9 = Buffer.from(whole.subarray(0, 64));
    v9.writeUInt32LE(9, 4);
    assert.throws(() => parseGgufHeader(v9), /version 9 is not supported/);
  });
});

describe('hardware advisor', () => {
  it('this kind of machine (24 GB, 2 cores, no GPU): the 1.5B fits on the CPU, the 70B does not', () => {
    const a = adviseDistills({ totalMemoryBytes: 24 * GB, freeMemoryBytes: 20 * GB, physicalCores: 2 });
    const by = Object.fromEntries(a.map((x) => [x.distill.key, x]));
    assert.equal(by['r1-distill-qwen-1.5b']!.fit, 'cpu');
    // 4.82 tok/s measured for the 1.5B on one thread here, scaled to the Q4_K_M file (1.1 GB vs 1.06 GB).
    assert.deepEqual(by['r1-distill-qwen-1.5b']!.tokensPerSecond, [2.8, 5.6]);
    assert.match(by['r1-distill-qwen-1.5b']!.source!, /^4\.82 tok\/s for the 1\.5B on 1 thread of the development machine's CPU \(measured 2026-11-30\)/);
    assert.equal(by['r1-distill-qwen-14b']!.fit, 'cpu');
    assert.equal(by['r1-distill-qwen-32b']!.fit, 'tight');
    assert.deepEqual(by['r1-distill-qwen-14b']!.tokensPerSecond, [0.3, 0.7]);
    assert.equal(by['r1-distill-llama-70b']!.fit, 'no');
    assert.match(by['r1-distill-llama-70b']!.note, /needs ~48 GB.*has 24 GB/);
    assert.equal(recommendedDistill(a).distill.key, 'r1-distill-qwen-1.5b');
  });

  it('a 24 GB GPU runs the 14B on the GPU and suggests it', () => {
    const a = adviseDistills({ totalMemoryBytes: 64 * GB, freeMemoryBytes: 40 * GB, physicalCores: 8, gpuMemoryBytes: 24 * GB, gpuName: 'RTX 4090' });
    const by = Object.fromEntries(a.map((x) => [x.distill.key, x]));
    assert.equal(by['r1-distill-qwen-14b']!.fit, 'gpu');
    assert.equal(by['r1-distill-qwen-32b']!.fit, 'gpu');
    assert.equal(recommendedDistill(a).distill.key, 'r1-distill-qwen-32b');
    // The H200's measured 182.5 tok/s (Q4_0, 8.51 GB) scaled to the 9.0 GB Q4_K_M file; a ~1 TB/s card gets ~21% of it.
    assert.deepEqual(by['r1-distill-qwen-14b']!.tokensPerSecond, [36, 173]);
    assert.match(by['r1-distill-qwen-14b']!.source!, /^measured on an NVIDIA H200, 2026-11-30 \(upper end\); about 21% of it on a GPU with ~1 TB\/s memory/);
    assert.match(by['r1-distill-llama-8b']!.source!, /^scaled by file size from the Qwen-7B measured on an NVIDIA H200/);
  });

  it('on an H200 the measured figure itself is quoted', () => {
    const a = adviseDistills({ totalMemoryBytes: 128 * GB, freeMemoryBytes: 100 * GB, physicalCores: 16, gpuMemoryBytes: 141 * GB, gpuName: 'NVIDIA H200' });
    const q32 = a.find((x) => x.distill.key === 'r1-distill-qwen-32b')!;
    assert.deepEqual(q32.tokensPerSecond, [83, 92]); // 98.7 tok/s at 18.63 GB, scaled to the 20 GB Q4_K_M file
    assert.equal(q32.source, 'measured on an NVIDIA H200, 2026-11-30');
  });

  it('the full R1 fits nowhere near a 256 GB workstation', () => {
    assert.deepEqual(fullR1WhatIf({ totalMemoryBytes: 256 * GB, freeMemoryBytes: 0, physicalCores: 64 }).map((w) => [w.precision, w.fits]), [['fp16', false], ['int8', false], ['int4', false]]);
  });

  it('counts physical cores once per hyper-thread pair', () => {
    const block = (p: number, c: number) => `processor\t: x\nphysical id\t: ${p}\ncore id\t\t: ${c}\n`;
    assert.equal(physicalCores([block(0, 0), block(0, 0), block(0, 1), block(0, 1)].join('\n')), 2);
  });

  it('knows distills by their names and tags', () => {
    assert.equal(distillKeyOf('DeepSeek-R1-Distill-Qwen-7B-Q4_K_M'), 'r1-distill-qwen-7b');
    assert.equal(distillKeyOf('deepseek-r1:14b'), 'r1-distill-qwen-14b');
    assert.equal(distillKeyOf('DeepSeek-R1-Distill-Llama-8B'), 'r1-distill-llama-8b');
    assert.equal(distillKeyOf('llama3.2:3b'), undefined);
    assert.equal(distillKeyOf('deepseek-r1:8b qwen3 8.2B'), undefined, 'R1-0528-Qwen3-8B is not a scored distill');
  });
});

describe('local server discovery', function () {
  this.timeout(30_000);
  let embedded: LlamaServer;
  let ollama: Awaited<ReturnType<typeof startOllamaFixtureServer>>;
  before(async () => {
    embedded = await startLlamaServer({ modelPath: await testModel('scripted'), token: 'discovery-test-token-0123', threads: 1, contextSize: 1024 });
    ollama = await startOllamaFixtureServer();
  });
  after(async () => {
    await embedded?.close();
    await ollama?.close();
  });

  it('lists Ollama models with their identity and an OpenAI-compatible server’s models; silent ports are absent', async () => {
    const found = await discoverLocalServers({
      servers: [
        { kind: 'ollama', root: ollama.base },
        { kind: 'lm-studio', root: 'http://127.0.0.1:9' },
      ],
    });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.detail, 'Ollama 0.12.6');
    assert.equal(found[0]!.baseUrl, `${ollama.base}/v1`);
    assert.deepEqual(found[0]!.models.map((m) => [m.id, m.qualityKey, m.contextLength]), [
      ['deepseek-r1:7b', 'r1-distill-qwen-7b', 131072],
      ['deepseek-r1:8b', undefined, 131072],
      ['llama3.2:3b', undefined, 131072],
      ['qwen3.6:27b', 'qwen3.6-27b', 262144],
      ['my-qwen3.6-27b-finetune:latest', undefined, 262144],
    ]);
  });

  it('an OpenAI-compatible server that wants a key is not listed (it is not ours to use)', async () => {
    const found = await discoverLocalServers({ servers: [], urls: [embedded.url] });
    assert.deepEqual(found, []);
  });

  it('caches results for its lifetime and probes again after', async () => {
    let calls = 0;
    let now = 0;
    const cache = new DiscoveryCache(async () => (calls++, []), 1000, () => now);
    await cache.get();
    await cache.get();
    now = 1500;
    await cache.get();
    assert.equal(calls, 2);
  });
});

describe('model download', function () {
  this.timeout(30_000);
  let server: Server;
  let base: string;
  let model: Buffer;
  let cutAfter: number | undefined;
  let stall = false;
  let breakConnection: (() => void) | undefined;
  let body: Buffer | undefined;
  const ranges: Array<string | undefined> = [];
  before(async () => {
    model = readFileSync(await testModel('scripted'));
    server = createServer((req, res) => {
      ranges.push(req.headers.range);
      const data = body ?? model;
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      const part = data.subarray(start);
      res.writeHead(m ? 206 : 200, { 'content-length': part.length, ...(m ? { 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` } : {}) });
      if (cutAfter !== undefined) {
        // Then the connection stays open until the test breaks it (breakConnection), or, when
        // stalling, until the client gives up.
        res.write(part.subarray(0, cutAfter));
        if (!stall) breakConnection = () => res.socket?.destroy();
      } else res.end(part);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    cutAfter = undefined;
    stall = false;
    body = undefined;
    ranges.length = 0;
  });

  const dir = () => mkdtempSync(join(tmpdir(), 'costwise-dl-'));

  it('resumes an interrupted download with a Range request and verifies the whole file', async () => {
    const dest = join(dir(), 'model.gguf');
    cutAfter = 100_000;
    const dl = downloadModel({ url: `${base}/m.gguf`, dest, signal: new AbortController().signal });
    // The connection breaks once the 100,000 bytes sent are in the partial file.
    await until(() => existsSync(`${dest}.partial`) && statSync(`${dest}.partial`).size === 100_000);
    breakConnection!();
    await assert.rejects(dl, /broke off after 100000 bytes.*resume/);
    assert.equal(statSync(`${dest}.partial`).size, 100_000);
    const kept = 100_000;
    cutAfter = undefined;
    const progress: number[] = [];
    const r = await downloadModel({ url: `${base}/m.gguf`, dest, expectedBytes: model.length, expectedArchitecture: 'qwen2', signal: new AbortController().signal, onProgress: (p) => progress.push(p.received) });
    assert.equal(r.resumedFrom, kept);
    assert.deepEqual(ranges, [undefined, `bytes=${kept}-`]);
    assert.ok(readFileSync(dest).equals(model));
    assert.equal(progress.at(-1), model.length);
    assert.equal(existsSync(`${dest}.partial`), false);
  });

  it('refuses a file of the wrong size before transferring it', async () => {
    const dest = join(dir(), 'model.gguf');
    await assert.rejects(downloadModel({ url: `${base}/m.gguf`, dest, expectedBytes: model.length * 3, signal: new AbortController().signal }), /should be about/);
    assert.equal(existsSync(dest), false);
  });

  it('refuses something that is not a GGUF model, and does not keep it to resume into', async () => {
    const dest = join(dir(), 'model.gguf');
    body = Buffer.from('<html>Sign in to continue</html>');
    await assert.rejects(downloadModel({ url: `${base}/m.gguf`, dest, signal: new AbortController().signal }), /not a usable model: not a GGUF file/);
    assert.equal(existsSync(dest), false);
    assert.equal(existsSync(`${dest}.partial`), false);
  });

  it('refuses plain HTTP to anything but loopback', async () => {
    await assert.rejects(downloadModel({ url: 'http://models.example/m.gguf', dest: join(dir(), 'm.gguf'), signal: new AbortController().signal }), /HTTPS only/);
  });

  it('a cancelled download keeps its partial file for next time', async () => {
    const dest = join(dir(), 'model.gguf');
    writeFileSync(`${dest}.partial`, model.subarray(0, 1000));
    const abort = new AbortController();
    cutAfter = 50_000; // the server stalls mid-way; the user cancels
    stall = true;
    const p = downloadModel({ url: `${base}/m.gguf`, dest, signal: abort.signal, onProgress: (x) => x.received > 20_000 && abort.abort() });
    await assert.rejects(p, /cancelled; it will resume/);
    assert.ok(statSync(`${dest}.partial`).size >= 1000);
  });
});

describe('local model identity beyond the R1 distills', () => {
  it('identifies a scored open-weight model exactly (GGUF basename + size label, or an Ollama tag), never loosely', () => {
    assert.equal(localModelKey({ basename: 'Qwen3.6', sizeLabel: '27B' }), 'qwen3.6-27b');
    assert.equal(localModelKey({ name: 'qwen3.6:27b' }), 'qwen3.6-27b');
    assert.equal(localModelKey({ name: 'qwen3.6:32b' }), undefined, 'another size has no score');
    assert.equal(localModelKey({ basename: 'Qwen3.6-Coder', sizeLabel: '27B' }), undefined, 'another model of the family');
    assert.equal(localModelKey({ name: 'Qwen3.6-27B-Q4_K_M.gguf' }), undefined, 'a file name alone is not an identity: its GGUF metadata is');
    assert.equal(localModelKey({ basename: 'DeepSeek-R1-Distill-Qwen', sizeLabel: '7B' }), 'r1-distill-qwen-7b');
  });
});
