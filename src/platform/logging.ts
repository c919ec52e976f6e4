import { Writable } from 'node:stream';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { logRedaction, redactUrl } from './log-redaction.js';

/**
 * Every logger Foyer makes is configured here: the server's (Fastify), the command line's and the start-up one, so
 * redaction and format rules apply to all of them from one place.
 */

/** Probes and scrapes come every few seconds and say nothing about what people do: they are not logged. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const NOT_DETAILS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'reqId']);

/** One JSON log line as a person reads it in a terminal: `12:00:01 INFO  message key=value …`. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
  const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
  const details = Object.entries(entry)
    .filter(([key]) => !NOT_DETAILS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${time} ${level} ${String(entry.msg ?? '')}${details.length ? `  ${details.join(' ')}` : ''}\n`;
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) out.write(prettyLine(line));
      done();
    },
  });
}

/** A given stream (tests) gets JSON; otherwise standard output, pretty on a terminal unless FOYER_LOG_FORMAT says. */
function destination(config: Pick<Config, 'logFormat'>, stream: NodeJS.WritableStream | undefined): DestinationStream {
  if (stream) return stream;
  const pretty = config.logFormat ? config.logFormat === 'pretty' : process.stdout.isTTY === true;
  // pino's own destination for JSON: the fastest way to standard output (bench/ measures the request path).
  return pretty ? prettyStream(process.stdout) : pino.destination(1);
}

/** Options for Fastify's logger, which is pino. */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'logFormat'>, stream: NodeJS.WritableStream | undefined) {
  return {
    level: config.logLevel,
    stream: destination(config, stream),
    ...logRedaction,
  };
}

/** The logger for work outside the server: start-up, the command line, background jobs before the app exists. */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const { stream, ...options } = loggerOptions(config, undefined);
  return pino(options, stream);
}

/**
 * One `info` line per request once it is answered, instead of Fastify's pair of lines, and none for the probes
 * and scrapes. Query strings are redacted like every other URL in a log.
 */
class RequestLogging extends LogController {
  constructor() {
    super({ disableRequestLogging: (request) => QUIET_PATHS.has(request.url.split('?')[0]!) });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    // Below info (the benchmark runs at warn) the line is not built at all: redacting the URL is not free. The
    // server's logger is pino (loggerOptions), which can say so.
    if (!(reply.log as Logger).isLevelEnabled(error ? 'error' : 'info') || this.isLogDisabled(request)) return;
    const line = { method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: request.ip };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request');
  }
}

export const requestLogging = () => new RequestLogging();
