import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';
import { PACKED_RUNTIME, PACKED_RUNTIME_MANIFEST, unpackRuntime } from '../../src/runtime/packedRuntime';

/** A VSIX's dist/ with a packed runtime shaped like the real one (package/node_modules/…). */
async function packedDist(root: string): Promise<string> {
  const tree = join(root, 'tree');
  mkdirSync(join(tree, 'node_modules', 'node-llama-cpp', 'dist'), { recursive: true });
  mkdirSync(join(tree, 'node_modules', '@node-llama-cpp', 'linux-x64', 'bins'), { recursive: true });
  writeFileSync(join(tree, 'node_modules', 'node-llama-cpp', 'package.json'), '{"name":"node-llama-cpp","version":"3.22.1","type":"module"}');
  writeFileSync(join(tree, 'node_modules', 'node-llama-cpp', 'dist', 'index.js'), 'export const packed = true;\n');
  writeFileSync(join(tree, 'node_modules', '@node-llama-cpp', 'linux-x64', 'bins', 'libllama.so'), Buffer.alloc(4096, 7));
  const dist = join(root, 'dist');
  mkdirSync(dist);
  await create({ gzip: true, file: join(dist, PACKED_RUNTIME), cwd: tree, portable: true, prefix: 'package' }, ['node_modules']);
  const sha256 = createHash('sha256').update(readFileSync(join(dist, PACKED_RUNTIME))).digest('hex');
  writeFileSync(join(dist, PACKED_RUNTIME_MANIFEST), JSON.stringify({ nodeLlamaCpp: '3.22.1', sha256, files: 3, bytes: 5000 }));
  return dist;
}

describe('the packed embedded runtime (one archive in the VSIX, unpacked on first use)', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'costwise-packed-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('unpacks once into a folder named by the archive digest; two windows at once share one whole copy', async () => {
    const dist = await packedDist(root);
    const storage = join(root, 'storage');
    const [a, b] = await Promise.all([unpackRuntime(dist, storage), unpackRuntime(dist, storage)]);
    assert.ok(a && a === b, 'the same entry for both');
    const entry = fileURLToPath(a);
    assert.equal(readFileSync(entry, 'utf8'), 'export const packed = true;\n');
    assert.equal(statSync(join(entry, '..', '..', '..', '@node-llama-cpp', 'linux-x64', 'bins', 'libllama.so')).size, 4096, 'binaries beside it, where node-llama-cpp looks');
    const sha = JSON.parse(readFileSync(join(dist, PACKED_RUNTIME_MANIFEST), 'utf8')).sha256 as string;
    assert.deepEqual(readdirSync(storage), [`node-llama-cpp-3.22.1-${sha.slice(0, 12)}`], 'one copy, no partial folder left');
    const done = join(storage, readdirSync(storage)[0]!, '.complete');
    const mtime = statSync(done).mtimeMs;
    assert.equal(await unpackRuntime(dist, storage), a);
    assert.equal(statSync(done).mtimeMs, mtime, 'not unpacked again');
    // The copy is usable as a module (the child imports it through a resolve hook).
    assert.equal(((await import(a)) as { packed: boolean }).packed, true);
  });

  it('a development checkout has no archive: node-llama-cpp resolves from node_modules as usual', async () => {
    assert.equal(await unpackRuntime(join(root, 'nothing'), join(root, 'storage')), undefined);
    assert.equal(existsSync(join(root, 'storage')), false);
  });

  it('a damaged manifest or archive is a clear error and leaves no half copy', async () => {
    const dist = await packedDist(root);
    const storage = join(root, 'storage');
    const manifest = readFileSync(join(dist, PACKED_RUNTIME_MANIFEST), 'utf8');
    writeFileSync(join(dist, PACKED_RUNTIME_MANIFEST), '{"nodeLlamaCpp":');
    await assert.rejects(unpackRuntime(dist, storage), /manifest \(runtime\.json\) is damaged: .*Reinstall Costwise/);
    writeFileSync(join(dist, PACKED_RUNTIME_MANIFEST), manifest);
    const tgz = readFileSync(join(dist, PACKED_RUNTIME));
    writeFileSync(join(dist, PACKED_RUNTIME), tgz.subarray(0, tgz.length >> 1));
    await assert.rejects(unpackRuntime(dist, storage));
    assert.deepEqual(existsSync(storage) ? readdirSync(storage) : [], [], 'nothing left behind');
  });
});
