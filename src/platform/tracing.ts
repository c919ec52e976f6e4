import { register } from 'node:module';
import type { PGlite } from '@electric-sql/pglite';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry traces over OTLP/HTTP (JSON), loaded by main.ts only when OTEL_EXPORTER_OTLP_ENDPOINT is set and
 * before anything imports the HTTP server or the PostgreSQL driver, so their instrumentations can wrap them.
 * The exporter reads the standard OTEL_EXPORTER_OTLP_* variables; the service is OTEL_SERVICE_NAME or `foyer`.
 *
 * What a span may carry: no query strings (they hold one-time tokens and codes), no statement parameters (the
 * PostgreSQL instrumentation leaves them out by default), no headers, no mail recipient or body.
 */
export interface Tracing {
  /** Spans for the embedded database, which no instrumentation knows. */
  instrumentEmbedded(client: PGlite): void;
  /** Runs `run` inside a span of its own (a feature's background work: src/mail traces each delivery). */
  traced: Traced;
  shutdown(): Promise<void>;
}

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const URL_ATTRIBUTES = new Set(['http.target', 'http.url', 'url.full', 'url.query', 'db.connection_string']);

/** A URL-ish attribute without its query string or credentials. */
export function scrubbed(key: string, value: string): string {
  if (key === 'url.query') return '[redacted]';
  const withoutQuery = value.split('?')[0]!;
  return withoutQuery.replace(/\/\/[^/@]*@/, '//');
}

const scrubbing: tracing.SpanProcessor = {
  onStart(span) {
    const attributes = (span as unknown as tracing.ReadableSpan).attributes;
    for (const [key, value] of Object.entries(attributes)) {
      if (URL_ATTRIBUTES.has(key) && typeof value === 'string') span.setAttribute(key, scrubbed(key, value));
    }
  },
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

export type Traced = <T>(name: string, attributes: Record<string, string | number>, run: (span: Span) => Promise<T>) => Promise<T>;

async function inSpan<T>(name: string, attributes: Record<string, string | number>, run: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer('foyer').startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

type Queryable = { query: (...args: never[]) => Promise<unknown>; exec: (...args: never[]) => Promise<unknown> };

/** Wraps query and exec of PGlite or one of its transactions; the statement text has placeholders, never values. */
function traceQueries(target: Queryable): void {
  for (const method of ['query', 'exec'] as const) {
    const original = target[method].bind(target) as (statement: string, ...rest: unknown[]) => Promise<unknown>;
    (target as Record<string, unknown>)[method] = (statement: string, ...rest: unknown[]) =>
      inSpan(
        statement.trimStart().split(/\s/, 1)[0]!.toUpperCase() || 'query',
        { 'db.system.name': 'postgresql', 'db.namespace': 'pglite', 'db.query.text': statement },
        () => original(statement, ...rest),
      );
  }
}

export function startTracing(): Tracing {
  // Foyer is an ES module: this hook lets the instrumentations see the `pg` module it imports.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'foyer',
    spanProcessors: [scrubbing, new tracing.BatchSpanProcessor(new OTLPTraceExporter())],
    // Traces only: metrics are Prometheus at /metrics, logs go to standard output.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => QUIET_PATHS.has((request.url ?? '').split('?')[0]!) }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return {
    instrumentEmbedded(client) {
      traceQueries(client as unknown as Queryable);
      const transaction = client.transaction.bind(client);
      client.transaction = (callback) =>
        transaction((tx) => {
          traceQueries(tx as unknown as Queryable);
          return callback(tx);
        });
    },
    traced: inSpan,
    shutdown: () => sdk.shutdown(),
  };
}
