import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { prettyLine } from './logging.js';
import { createTestApp, type TestApp } from '../../test/support.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('request logging', () => {
  it('writes one info line per answered request, none for probes, with tokens redacted', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    t = await createTestApp({ FOYER_LOG_LEVEL: 'info' }, {}, sink);
    await t.app.inject({ url: '/healthz' });
    await t.app.inject({ url: '/readyz' });
    await t.app.inject({ url: '/api/v1/setup?token=a-secret-token-value' });
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ level: 30, method: 'GET', url: '/api/v1/setup?token=[redacted]', status: 200 });
    expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('a-secret-token-value');
  });
});

describe('pretty log lines', () => {
  it('shows time, level, message and the details', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 0, 1), pid: 1, hostname: 'h', msg: 'mail delivery failed', attempt: 2 });
    expect(prettyLine(line)).toBe('12:00:01 WARN  mail delivery failed  attempt=2\n');
  });

  it('passes through what is not JSON', () => {
    expect(prettyLine('plain words')).toBe('plain words');
  });
});
