import { describe, expect, it } from 'vitest';
import { FoyerError } from '../../platform/errors.js';
import { limitBytes, openCsv, splitNames, type CsvRow } from './csv.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function readAll(rows: AsyncIterable<CsvRow>): Promise<{ rows: CsvRow[]; error?: FoyerError }> {
  const seen: CsvRow[] = [];
  try {
    for await (const row of rows) seen.push(row);
    return { rows: seen };
  } catch (error) {
    if (!(error instanceof FoyerError)) throw error;
    return { rows: seen, error };
  }
}

describe('reading an uploaded CSV', () => {
  it('numbers rows by their line in the file and keeps the rows read before a syntax error', async () => {
    const { rows } = await openCsv(chunks('name,email,username\nA,a@example.com,a\n\nB,b@example.com,b\nC,"c@example.com"x,c\nD,d@example.com,d\n'));
    const result = await readAll(rows);
    expect(result.rows.map((r) => [r.row, r.values.name])).toEqual([
      [2, 'A'],
      [4, 'B'],
    ]);
    expect(result.error).toMatchObject({ status: 400, code: 'csv_malformed', details: { row: 5 } });
    expect(result.error!.message).toContain('a quoted value is followed by more characters');
  });

  it('refuses a runaway row instead of buffering the rest of the upload', async () => {
    const { rows } = await openCsv(chunks('name,email,username\n', `"${'x'.repeat(70 * 1024)}`, ',a@example.com,a\n'));
    const result = await readAll(rows);
    expect(result.error).toMatchObject({ code: 'csv_malformed' });
    expect(result.error!.message).toContain('longer than 64 KiB');
  });

  it('reports an upload cut short', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from('name,email,username\nA,a@example.com,a\n');
      throw new Error('aborted');
    }
    const { rows } = await openCsv(broken());
    expect((await readAll(rows)).error).toMatchObject({ code: 'upload_interrupted' });
  });

  it('stops an upload past the size limit with file_too_large', async () => {
    const upload = chunks('name,email,username\n', 'A,a@example.com,a\n', 'B,b@example.com,b\n', 'C,c@example.com,c\n');
    const { rows } = await openCsv(limitBytes(upload, 60));
    const result = await readAll(rows);
    expect(result.rows.map((r) => r.values.name)).toContain('A');
    expect(result.rows.map((r) => r.values.name)).not.toContain('C');
    expect(result.error).toMatchObject({ status: 413, code: 'file_too_large' });
  });

  it('counts values beyond the header and leaves missing optional values empty', async () => {
    const { columns, rows } = await openCsv(chunks('email,name,username,roles\nA@x.org,A,a\nb@x.org,B,b,Member,extra\n'));
    expect(columns).toEqual(['email', 'name', 'username', 'roles']);
    const { rows: read } = await readAll(rows);
    expect(read[0]).toMatchObject({ values: { email: 'A@x.org', roles: '' }, extraValues: 0 });
    expect(read[1]).toMatchObject({ extraValues: 1 });
  });
});

describe('role and group cells', () => {
  it('split on semicolons, without blanks or repeats in any case', () => {
    expect(splitNames(' Member ; viewer;;MEMBER; Support Team ')).toEqual(['Member', 'viewer', 'Support Team']);
    expect(splitNames('')).toEqual([]);
    expect(splitNames(undefined)).toEqual([]);
  });
});
