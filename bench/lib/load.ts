import autocannon from 'autocannon';
import { WARMUP_SECONDS } from './options.js';
import { settle, type Running } from './processes.js';

export interface LoadResult {
  /** Successful (2xx) responses per second: a refusal is not served capacity. */
  rps: number;
  p50: number;
  p99: number;
  /** Responses with a 2xx status, and the seconds the run lasted: together, successful operations per second. */
  ok: number;
  seconds: number;
  non2xx: number;
  /** How many responses of each status other than 2xx, e.g. `{ 429: 12 }`. */
  refusals: Record<string, number>;
  errors: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A sequence every connection repeats in order, each step free to use what the previous one answered. */
  requests?: autocannon.Request[];
  connections: number;
  seconds: number;
  /** The process under load: between warm-up and measurement, it is left to finish what the warm-up left in flight. */
  server?: Running;
  /** Called between the warm-up and the measured run, e.g. to reset counters that `requests` keep. */
  onMeasure?: () => void;
}

/** A warm-up, then one measured autocannon run on loopback; both bounded in time, so they always stop by themselves. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const run = (duration: number) =>
    autocannon({
      url: options.url,
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      requests: options.requests,
      connections: options.connections,
      duration,
    });
  await run(WARMUP_SECONDS);
  if (options.server) await settle(options.server);
  options.onMeasure?.();
  const result = await run(options.seconds);
  const refusals = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {})
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, stats]) => [status, stats.count ?? 0]),
  );
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    seconds: result.duration,
    non2xx: result.non2xx,
    refusals,
    errors: result.errors,
  };
}
