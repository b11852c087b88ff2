import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractNpmTarball } from './tarReader';

/** Written next to the archive when the VSIX is packaged: which node-llama-cpp it holds, and the archive's digest. */
export interface PackedRuntimeManifest {
  nodeLlamaCpp: string;
  sha256: string;
  files: number;
  bytes: number;
}

export const PACKED_RUNTIME = 'runtime.tgz';
export const PACKED_RUNTIME_MANIFEST = 'runtime.json';

/**
 * The VSIX carries the embedded runtime (node-llama-cpp, its dependencies and this platform's llama.cpp
 * binaries) as one archive, not 1,300 loose files: unpacked once into `storageDir` on the first local
 * answer, into a folder named by the archive's digest (a new version unpacks beside the old one), through
 * a temporary folder renamed into place, so two windows starting at once never see half a copy.
 * Returns node-llama-cpp's entry URL in the unpacked copy, or undefined when there is no archive (a
 * development checkout: node-llama-cpp is resolved from node_modules as usual).
 */
export async function unpackRuntime(bundleDir: string, storageDir: string): Promise<string | undefined> {
  const archive = join(bundleDir, PACKED_RUNTIME);
  if (!existsSync(archive)) return undefined;
  let manifest: PackedRuntimeManifest;
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir, PACKED_RUNTIME_MANIFEST), 'utf8')) as PackedRuntimeManifest;
    if (!/^[0-9a-f]{64}$/.test(manifest.sha256) || typeof manifest.nodeLlamaCpp !== 'string') throw new Error('fields missing');
  } catch (e) {
    throw new Error(`The embedded runtime's manifest (${PACKED_RUNTIME_MANIFEST}) is damaged: ${(e as Error).message}. Reinstall Costwise.`);
  }
  const target = join(storageDir, `node-llama-cpp-${manifest.nodeLlamaCpp}-${manifest.sha256.slice(0, 12)}`);
  const entry = pathToFileURL(join(target, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')).href;
  const done = join(target, '.complete');
  if (existsSync(done)) return entry;
  const temp = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    await extractNpmTarball(archive, temp, { maxBytes: Math.max(manifest.bytes, 1) * 2, maxEntries: Math.max(manifest.files, 1) * 2 + 1000 });
    await writeFile(join(temp, '.complete'), `${manifest.sha256}\n`);
    await rename(temp, target).catch(async (e: NodeJS.ErrnoException) => {
      // Another window unpacked the same archive first: use its copy.
      if (!existsSync(done)) throw e;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return entry;
}
