/** The only hosts the embedded runtime will listen on. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1']);

export function assertLoopbackBind(host: string): void {
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`Refusing to serve the local model on ${host}: the embedded runtime listens on 127.0.0.1 or ::1 only, so no other machine can reach it.`);
  }
}

/**
 * Whether an HTTP Host header names this loopback server (a defence against DNS rebinding: a web page
 * whose name resolves to 127.0.0.1 sends its own host name, which is refused).
 */
export function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}
