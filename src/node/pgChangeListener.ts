import type { Client } from 'pg';
import { pick } from '../core/lazyModule';

/**
 * LISTENs on a channel on its own connection and calls `onChange` for each notification; when the
 * connection drops it reconnects (backing off up to 10 s) and calls `onChange` once, since changes
 * may have been missed meanwhile.
 */
export class PgChangeListener {
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private delay = 250;

  constructor(
    private readonly url: string,
    private readonly password: string | (() => Promise<string | undefined>) | undefined,
    private readonly channel: string,
    private readonly onChange: () => void,
  ) {
    void this.start(false);
  }

  private async start(missed: boolean): Promise<void> {
    if (this.disposed) return;
    const ClientClass = pick<typeof import('pg').Client>(await import('pg'), 'Client');
    const pw = this.password;
    const client = new ClientClass({ connectionString: this.url, ...(pw === undefined ? {} : { password: typeof pw === 'string' ? pw : async () => (await pw()) ?? '' }), connectionTimeoutMillis: 5_000 });
    this.client = client;
    const again = () => {
      if (this.client !== client || this.disposed) return;
      this.client = undefined;
      void client.end().catch(() => undefined);
      this.timer = setTimeout(() => void this.start(true), this.delay);
      this.timer.unref();
      this.delay = Math.min(this.delay * 2, 10_000);
    };
    client.on('error', again);
    client.on('end', again);
    client.on('notification', () => this.onChange());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.delay = 250;
      if (missed) this.onChange();
      // A LISTEN connection is otherwise idle: it must not keep a CLI process alive.
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    } catch {
      again();
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    void this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
