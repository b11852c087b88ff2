import { register } from 'node:module';

// node-llama-cpp finds its prebuilt GPU builds with `import('@node-llama-cpp/linux-x64-cuda')` from its own
// folder, so a package kept in global storage is invisible to it. A module resolve hook (Node's documented
// customization hooks, node:module register) answers those specifiers with the stored package's entry.
// It runs in the runtime's child process only, before node-llama-cpp is imported, and maps exact names.
const HOOK = `let map = {};
export async function initialize(data) { map = data.map; }
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(map, specifier)) return { url: map[specifier], shortCircuit: true };
  return next(specifier, context);
}`;

/** Resolve each package name to the given file URL (its dist/index.js) for every later import. */
export function redirectPackages(map: Record<string, string>): void {
  for (const [name, url] of Object.entries(map)) {
    if (!/^(@node-llama-cpp\/[a-z0-9-]+|node-llama-cpp)$/.test(name) || !url.startsWith('file:')) throw new Error(`Refusing to redirect ${JSON.stringify(name)} to ${JSON.stringify(url)}.`);
  }
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: { map } });
}
