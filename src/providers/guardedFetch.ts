/** Largest single line a streaming answer may carry before it is treated as a broken stream. */
export const MAX_LINE_BYTES = 1 << 20;

export class OversizedLineError extends Error {
  constructor(readonly limit: number) {
    super(`the stream sent a line longer than ${Math.round(limit / 1024)} KB`);
    this.name = 'OversizedLineError';
  }
}

export interface GuardOptions {
  maxLineBytes?: number;
  /** Only these request headers are sent (lower-case); anything an SDK adds from the environment is dropped. */
  allowHeaders?: (name: string) => boolean;
}

/**
 * Wraps a fetch so response bodies can never hold a line longer than `maxLineBytes` (a 10 MB SSE line
 * ends the stream with a clean error instead of filling memory), and so request headers are limited
 * to an allow-list when the SDK would otherwise add some from environment variables.
 */
export function guardedFetch(base: typeof fetch, opts: GuardOptions = {}): typeof fetch {
  const max = opts.maxLineBytes ?? MAX_LINE_BYTES;
  return async (input, init) => {
    let nextInit = init;
    if (opts.allowHeaders && init?.headers) {
      const headers = new Headers(init.headers);
      for (const name of [...headers.keys()]) if (!opts.allowHeaders(name)) headers.delete(name);
      nextInit = { ...init, headers };
    }
    const res = await base(input, nextInit);
    if (!res.body) return res;
    let run = 0;
    const limited = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const nl = chunk.lastIndexOf(0x0a);
          run = nl >= 0 ? chunk.length - nl - 1 : run + chunk.length;
          if (run > max) controller.error(new OversizedLineError(max));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
