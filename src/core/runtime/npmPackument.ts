// Reading one version out of an npm registry packument (GET <registry>/<name>): where its tarball is,
// its published integrity (sha512 SRI) and sizes. Pure; refuses anything it cannot check.

export interface PackageRelease {
  name: string;
  version: string;
  tarball: string;
  /** The sha512 digest the registry publishes (base64), from dist.integrity. */
  sha512: string;
  /** Unpacked size in bytes, when the registry states it. */
  unpackedBytes?: number;
}

export class PackumentError extends Error {}

/** The registry URL of a package's packument: scoped names keep the @ and escape the slash. */
export function packumentUrl(registry: string, name: string): string {
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(name)) throw new PackumentError(`${JSON.stringify(name)} is not an npm package name.`);
  return `${registry.replace(/\/+$/, '')}/${name.replace('/', '%2f')}`;
}

/** The sha512 digest (base64) of an SRI string such as `sha512-… sha1-…`; other algorithms are not trusted. */
export function sha512OfIntegrity(integrity: unknown): string {
  if (typeof integrity !== 'string') throw new PackumentError('The registry publishes no integrity for this version.');
  for (const part of integrity.trim().split(/\s+/)) {
    const m = /^sha512-([A-Za-z0-9+/]{86}==)(\?.*)?$/.exec(part);
    if (m) return m[1]!;
  }
  throw new PackumentError(`The registry's integrity ${JSON.stringify(integrity.slice(0, 80))} has no sha512 digest.`);
}

export function releaseOf(packument: unknown, name: string, version: string): PackageRelease {
  const p = packument as { name?: unknown; versions?: Record<string, unknown> } | null;
  if (!p || typeof p !== 'object' || typeof p.versions !== 'object' || !p.versions) throw new PackumentError(`The registry's answer for ${name} is not a packument.`);
  if (p.name !== name) throw new PackumentError(`The registry answered for ${JSON.stringify(p.name)}, not ${name}.`);
  const v = p.versions[version] as { name?: unknown; version?: unknown; dist?: { tarball?: unknown; integrity?: unknown; unpackedSize?: unknown } } | undefined;
  if (!v) throw new PackumentError(`The registry has no ${name}@${version}.`);
  if (v.name !== name || v.version !== version) throw new PackumentError(`The registry's ${name}@${version} names itself ${String(v.name)}@${String(v.version)}.`);
  const tarball = v.dist?.tarball;
  if (typeof tarball !== 'string') throw new PackumentError(`The registry's ${name}@${version} has no tarball.`);
  let u: URL;
  try {
    u = new URL(tarball);
  } catch {
    throw new PackumentError(`The registry's tarball address ${JSON.stringify(tarball)} is not a URL.`);
  }
  const loopback = u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  if (u.protocol !== 'https:' && !loopback) throw new PackumentError(`Refusing the tarball at ${u.protocol}//${u.host}: HTTPS only.`);
  const size = v.dist?.unpackedSize;
  return { name, version, tarball, sha512: sha512OfIntegrity(v.dist?.integrity), ...(typeof size === 'number' && size > 0 ? { unpackedBytes: size } : {}) };
}
