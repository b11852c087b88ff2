import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..', '..');
export const MODEL_DIR = process.env.COSTWISE_TEST_MODELS ?? join(ROOT, '.run', 'models');

export type TestModelKind = 'scripted' | 'looping' | 'r1-1.5b';

interface TinyModels {
  ensureTestModel(kind: TestModelKind, dir: string): string;
  SCRIPTED: { reasoning: string; answer: string };
}

export async function tinyModels(): Promise<TinyModels> {
  return (await import(pathToFileURL(join(ROOT, 'scripts', 'lib', 'tiny-models.mjs')).href)) as TinyModels;
}

/** The path of a test GGUF model, written by scripts/lib/tiny-models.mjs on first use. */
export async function testModel(kind: TestModelKind): Promise<string> {
  return (await tinyModels()).ensureTestModel(kind, MODEL_DIR);
}
