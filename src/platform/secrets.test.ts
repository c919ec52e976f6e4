import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretBox } from './secrets.js';

const key = () => randomBytes(32);
const tempDir = () => mkdtempSync(join(tmpdir(), 'foyer-secrets-'));

describe('secrets at rest', () => {
  it('seal with AES-256-GCM: the ciphertext reveals nothing and opens only for its purpose and key', () => {
    const config = { secretKey: key(), databaseUrl: undefined, dataDir: '/nonexistent' };
    const box = secretBox(config);
    const sealed = box.seal('hunter2 smtp password', 'mail.password');
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2 smtp password', 'mail.password')).not.toBe(sealed);
    expect(box.open(sealed, 'mail.password')).toBe('hunter2 smtp password');
    expect(() => box.open(sealed, 'sso.client_secret')).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
    expect(() => secretBox({ ...config, secretKey: key() }).open(sealed, 'mail.password')).toThrow(
      expect.objectContaining({ code: 'secret_unreadable', status: 409 }),
    );
    const [format, iv, tag, body] = sealed.split('.');
    const tampered = [format, iv, tag, `${body!.startsWith('A') ? 'B' : 'A'}${body!.slice(1)}`].join('.');
    expect(() => box.open(tampered, 'mail.password')).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
  });

  it('on the embedded database, generate a key once and keep it beside the data, readable by Foyer only', () => {
    const dataDir = join(tempDir(), 'data');
    const sealed = secretBox({ secretKey: undefined, databaseUrl: undefined, dataDir }).seal('s3cret', 'p');
    const keyFile = join(dataDir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    // A restart reads the same key back.
    expect(secretBox({ secretKey: undefined, databaseUrl: undefined, dataDir }).open(sealed, 'p')).toBe('s3cret');
  });

  it('with DATABASE_URL and no FOYER_SECRET_KEY, refuse to store secrets and say how to fix it', () => {
    const dataDir = tempDir();
    const box = secretBox({ secretKey: undefined, databaseUrl: 'postgres://db/foyer', dataDir });
    expect(() => box.seal('s3cret', 'p')).toThrow(expect.objectContaining({ status: 409, code: 'secret_key_missing' }));
    expect(() => box.seal('s3cret', 'p')).toThrow(/FOYER_SECRET_KEY/);
    expect(() => statSync(join(dataDir, 'secret.key'))).toThrow();
  });
});
