import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to the embedded database on localhost:3000 with plain cookies', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
    expect(config.publicUrl.origin).toBe('http://localhost:3000');
    expect(config.secureCookies).toBe(false);
  });

  it('uses secure cookies for an https public URL', () => {
    expect(loadConfig({ FOYER_PUBLIC_URL: 'https://id.example.com/' }).secureCookies).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a port number\.$/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL\.$/],
    [{ FOYER_PUBLIC_URL: 'http://id.example.com' }, /^FOYER_PUBLIC_URL must use https:\/\/ unless it points at localhost\.$/],
    [{ FOYER_PUBLIC_URL: 'not a url' }, /^FOYER_PUBLIC_URL must be an absolute http\(s\) URL\.$/],
    [{ FOYER_BOOTSTRAP_ADMIN_EMAIL: 'a@b.co' }, /^FOYER_BOOTSTRAP_ADMIN_PASSWORD must be set together/],
    [{ FOYER_TRUST_PROXY: 'maybe' }, /^FOYER_TRUST_PROXY must be true or false\.$/],
  ])('refuses %o with a sentence naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads a secret from NAME_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'foyer-cfg-')), 'pw');
    writeFileSync(file, 's3cret-password\n');
    const config = loadConfig({ FOYER_BOOTSTRAP_ADMIN_EMAIL: 'a@b.co', FOYER_BOOTSTRAP_ADMIN_PASSWORD_FILE: file });
    expect(config.bootstrapAdmin?.password).toBe('s3cret-password');
  });

  it('refuses a NAME_FILE that cannot be read', () => {
    expect(() => loadConfig({ DATABASE_URL_FILE: '/nonexistent/file' })).toThrow(
      'DATABASE_URL_FILE points at /nonexistent/file, which cannot be read.',
    );
  });

  it('stops the real process at start-up with that sentence and exit code 1', async () => {
    const run = promisify(execFile);
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      env: { PATH: process.env.PATH, PORT: 'eighty' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('foyer: PORT must be a port number.');
  });
});
