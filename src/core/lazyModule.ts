/**
 * Picks a named export from a lazily imported module, whichever way it arrives: the package's own ESM
 * or CJS build (Node, tests) or a CommonJS vendor bundle seen through `import()` (the packaged
 * extension), where the names sit under `default`.
 */
export function pick<T>(mod: unknown, name: string): T {
  let m = mod as Record<string, unknown> | undefined;
  for (let depth = 0; m && depth < 3; depth++) {
    if (m[name] !== undefined) return m[name] as T;
    m = m.default as Record<string, unknown> | undefined;
  }
  throw new Error(`"${name}" is missing from a lazily loaded module: the extension's files may be damaged`);
}
