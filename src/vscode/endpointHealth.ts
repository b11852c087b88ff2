import type { Endpoint } from './routingContext';
import { isLoopback } from './apiKeys';
import { providerFor } from './routingContext';

interface Entry {
  ok: boolean;
  latencyMs: number | undefined;
  at: number;
}

/** How long a health verdict is trusted. */
const TTL_MS = 60_000;
/** A local server gets this long to answer a health check before routing goes on without it. */
const PROBE_TIMEOUT_MS = 1_500;

/**
 * Cached reachability of endpoints, fed by requests (a network failure marks an endpoint down for a
 * minute; a success marks it up with its latency) and, for local servers, by a quick probe before
 * routing. Remote APIs are not probed (a probe costs a round trip on every request); they count as
 * reachable until a request to them fails.
 */
/** Verdicts are per endpoint *and* address: a moved base URL starts unknown. */
export function healthKey(e: Pick<Endpoint, 'id' | 'baseUrl'>): string {
  return `${e.id} ${e.baseUrl}`;
}

export class EndpointHealth {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get(id: string): Entry | undefined {
    const e = this.entries.get(id);
    return e && this.now() - e.at < TTL_MS ? e : undefined;
  }

  /** Records a verdict; without a latency, the last measured one is kept. */
  report(id: string, ok: boolean, latencyMs?: number): void {
    this.entries.set(id, { ok, latencyMs: latencyMs ?? this.entries.get(id)?.latencyMs, at: this.now() });
  }

  private readonly probing = new Map<string, Promise<void>>();

  /**
   * Probes loopback endpoints without a fresh verdict, in parallel, within a short timeout; requests
   * arriving together share one probe per endpoint. Only a server that refuses or fails the probe is
   * marked down: one too busy to answer in time (a loaded machine) counts as up but slow, and the
   * request's own timeouts decide.
   */
  async refreshLocal(endpoints: Iterable<Endpoint>): Promise<void> {
    const probes = [...endpoints]
      // Without a key the probe fails in the client before any request: that says nothing about the server.
      .filter((e) => e.kind !== 'embedded' && e.apiKey && isLoopback(e.baseUrl) && !this.get(healthKey(e)))
      .map((e) => {
        const key = healthKey(e);
        let p = this.probing.get(key);
        if (!p) {
          p = (async () => {
            const h = await providerFor(e).health(AbortSignal.timeout(PROBE_TIMEOUT_MS));
            const slow = !h.ok && h.latencyMs >= PROBE_TIMEOUT_MS - 50;
            this.report(key, h.ok || slow, slow ? PROBE_TIMEOUT_MS : h.latencyMs);
          })().finally(() => this.probing.delete(key));
          this.probing.set(key, p);
        }
        return p;
      });
    await Promise.all(probes);
  }
}
