// Writes the test GGUF models (see lib/tiny-models.mjs) and prints their paths.
//   node scripts/write-test-models.mjs [scripted] [looping] [r1-1.5b] [--dir DIR]
import { join } from 'node:path';
import { ensureTestModel } from './lib/tiny-models.mjs';
import { cacheRoot } from './lib/toolchain.mjs';


const args = process.argv.slice(2);
const at = args.indexOf('--dir');
const dir = at >= 0 ? args.splice(at, 2)[1] : join(cacheRoot(), 'models');
const kinds = args.length ? args : ['scripted', 'looping'];
for (const k of kinds) {
  const t = Date.now();
  const file = ensureTestModel(k, dir);
  console.log(`${k.padEnd(10)} ${file} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
