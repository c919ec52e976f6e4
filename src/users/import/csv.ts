import { parse, type CsvError } from 'csv-parse';
import { FoyerError } from '../../platform/errors.js';

export const IMPORT_COLUMNS = ['name', 'email', 'username', 'roles', 'groups'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly ImportColumn[] = ['name', 'email', 'username'];

/** Separates several role or group names inside one cell. */
export const NAME_SEPARATOR = ';';

export const IMPORT_TEMPLATE = `${IMPORT_COLUMNS.join(',')}\r\nAda Lovelace,ada.lovelace@example.com,ada.lovelace,Member;Viewer,Engineering\r\n`;

/** One data row of the file. `row` is its line number in the file: the header is row 1, as in a spreadsheet. */
export interface CsvRow {
  row: number;
  values: Partial<Record<ImportColumn, string>>;
  /** How many values the row had beyond the header's columns. */
  extraValues: number;
}

export interface OpenedCsv {
  columns: ImportColumn[];
  rows: AsyncIterable<CsvRow>;
}

// A legitimate row is a few hundred bytes; a runaway quote would otherwise make the parser buffer the whole upload.
const MAX_RECORD_BYTES = 64 * 1024;

const isImportColumn = (value: string): value is ImportColumn => (IMPORT_COLUMNS as readonly string[]).includes(value);

const headerInvalid = (message: string, details: Record<string, unknown>) =>
  new FoyerError(400, 'csv_header_invalid', message, {
    details: { expectedColumns: [...IMPORT_COLUMNS], requiredColumns: [...REQUIRED_COLUMNS], ...details },
  });

function readHeader(values: string[] | undefined): ImportColumn[] {
  const expected = `The first row must name the columns: ${IMPORT_COLUMNS.join(',')} (roles and groups may be left out).`;
  if (!values) throw headerInvalid(`The file is empty. ${expected}`, { found: [] });
  const found = values.map((v) => v.toLowerCase());
  const unknown = found.filter((c) => !isImportColumn(c));
  const duplicated = found.filter((c, i) => found.indexOf(c) !== i);
  const missing = REQUIRED_COLUMNS.filter((c) => !found.includes(c));
  if (unknown.length > 0 || duplicated.length > 0 || missing.length > 0) {
    const problems = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      unknown.length > 0 ? `unknown ${unknown.map((c) => `"${c}"`).join(', ')}` : '',
      duplicated.length > 0 ? `repeated ${[...new Set(duplicated)].join(', ')}` : '',
    ].filter(Boolean);
    throw headerInvalid(`The header row is not valid (${problems.join('; ')}). ${expected}`, { found, missing, unknown, duplicated });
  }
  return found.filter(isImportColumn);
}

interface RawRecord {
  line: number;
  values: string[];
}

// The parser's own messages speak of its internals; these say what to fix in the file.
const CSV_PROBLEMS: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value is followed by more characters before the next comma',
  CSV_INVALID_OPENING_QUOTE: 'a value contains a quote but does not start with one',
  CSV_QUOTE_NOT_CLOSED: 'a quote is opened and never closed',
  CSV_MAX_RECORD_SIZE: `a row is longer than ${MAX_RECORD_BYTES / 1024} KiB`,
};

const malformed = (error: CsvError) => {
  const row = typeof error.lines === 'number' ? error.lines : null;
  const problem = CSV_PROBLEMS[error.code] ?? error.message;
  return new FoyerError(400, 'csv_malformed', `The file is not valid CSV${row ? ` at row ${row}` : ''}: ${problem}. Nothing after that point was read.`, {
    details: { row, csvError: error.code },
  });
};

/**
 * Records of a CSV upload, read chunk by chunk as they are consumed so the file is never held in memory.
 *
 * The parser is fed by hand rather than piped: a piped parser that meets a syntax error destroys its stream and
 * drops the records it had already parsed from the same chunk, and those rows must still be imported.
 */
async function* records(source: AsyncIterable<Buffer | string>): AsyncGenerator<RawRecord> {
  const parsed: RawRecord[] = [];
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: (values: string[], context) => {
      parsed.push({ line: context.lines, values });
      // Collected here instead of being pushed into the stream, so nothing is buffered twice.
      return null;
    },
  });
  let failure: CsvError | undefined;
  parser.on('error', (error: CsvError) => {
    failure = error;
  });
  parser.resume();
  const feed = (chunk?: Buffer | string) =>
    new Promise<void>((resolve) => {
      if (chunk === undefined) parser.end(() => resolve());
      else parser.write(chunk, () => resolve());
    });

  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer | string>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw error instanceof FoyerError
        ? error
        : new FoyerError(400, 'upload_interrupted', 'The upload stopped before the whole file arrived.');
    }
    await feed(next.done ? undefined : next.value);
    yield* parsed.splice(0);
    if (failure) throw malformed(failure);
    if (next.done) return;
  }
}

/**
 * Reads and checks the header row; the data rows follow lazily. Throws 400 `csv_header_invalid` (naming the
 * expected columns) before any row is looked at. Rows that cannot be read (a broken quote, an oversized record)
 * end the iteration with 400 `csv_malformed`; an upload cut short ends it with 400 `upload_interrupted`.
 */
export async function openCsv(source: AsyncIterable<Buffer | string>): Promise<OpenedCsv> {
  const all = records(source);
  const first = await all.next();
  const columns = readHeader(first.done ? undefined : first.value.values);
  async function* rows(): AsyncGenerator<CsvRow> {
    for await (const { line, values } of all) {
      const row: CsvRow = { row: line, values: {}, extraValues: Math.max(0, values.length - columns.length) };
      columns.forEach((column, i) => {
        row.values[column] = values[i] ?? '';
      });
      yield row;
    }
  }
  return { columns, rows: rows() };
}

/**
 * Passes an upload through while counting its bytes; past `limit` it fails with 413 `file_too_large`. Needed because
 * a streamed body is not measured by Fastify's own body limit.
 */
export async function* limitBytes(source: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > limit) throw fileTooLarge(limit);
    yield chunk;
  }
}

export const fileTooLarge = (limit: number) =>
  new FoyerError(413, 'file_too_large', `The file is larger than ${Math.round(limit / (1024 * 1024))} MiB. Split it into several files.`, {
    details: { limitBytes: limit },
  });

/** The names in one roles or groups cell, without blanks or repeats (compared case-insensitively). */
export function splitNames(cell: string | undefined): string[] {
  if (!cell) return [];
  const byKey = new Map<string, string>();
  for (const part of cell.split(NAME_SEPARATOR)) {
    const name = part.trim();
    if (name && !byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  }
  return [...byKey.values()];
}
