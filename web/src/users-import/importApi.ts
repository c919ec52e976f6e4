import { ApiError } from '../api';

export const TEMPLATE_URL = '/api/v1/admin/users/import-template';
const IMPORT_URL = '/api/v1/admin/users/import';

export type RowOutcome = 'created' | 'skipped' | 'failed';

export type RowResult = {
  /** Line number in the file; the header is row 1. */
  row: number;
  outcome: RowOutcome;
  email?: string;
  userId?: string;
  code?: string;
  reason?: string;
  /** Only when the import sends invitations, on created rows: blocked when the email's domain is not allowed. */
  invitation?: 'queued' | 'blocked';
};

export type ImportSummary = { created: number; skipped: number; failed: number; total: number };

/** Why the server stopped reading the file early (rows before that point were handled). */
export type StopError = { code: string; message: string; details?: Record<string, unknown> };

export type ImportOutcome = { dryRun: boolean; summary: ImportSummary; error?: StopError };

type ProgressLine =
  | ({ type: 'row' } & RowResult)
  | ({ type: 'summary' } & ImportOutcome)
  | { type: 'error'; error: { code: string; message: string } };

const NEWLINE = 10;

/** Lines in the file, read as a stream so a large file is never held in memory twice. */
export async function countLines(file: Blob): Promise<number> {
  const reader = file.stream().getReader();
  let lines = 0;
  let last = NEWLINE;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const byte of value) if (byte === NEWLINE) lines += 1;
    if (value.length > 0) last = value[value.length - 1]!;
  }
  return last === NEWLINE ? lines : lines + 1;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const { error } = (await response.json()) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
    return new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered with HTTP ${response.status}.`, error?.details);
  } catch {
    return new ApiError(response.status, 'http_error', `The server answered with an unexpected error (HTTP ${response.status}).`);
  }
}

/**
 * Uploads the file and follows the server's NDJSON progress stream: `onRows` receives the results as they arrive
 * (one call per received chunk), and the returned promise settles with the summary.
 */
export async function runImport(
  file: File,
  options: { dryRun: boolean; invite: boolean },
  onRows: (rows: RowResult[]) => void,
  signal: AbortSignal,
): Promise<ImportOutcome> {
  let response: Response;
  try {
    response = await fetch(`${IMPORT_URL}?dryRun=${options.dryRun}&invite=${options.invite}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', accept: 'application/x-ndjson' },
      credentials: 'same-origin',
      body: file,
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new ApiError(0, 'network_error', 'Could not reach the Foyer server. Check your connection and try again.');
  }
  if (!response.ok || !response.body) throw await errorFrom(response);

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    const rows: RowResult[] = [];
    let outcome: ImportOutcome | undefined;
    for (const line of lines) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as ProgressLine;
      if (parsed.type === 'row') {
        const { type: _type, ...row } = parsed;
        rows.push(row);
      } else if (parsed.type === 'summary') {
        const { type: _type, ...rest } = parsed;
        outcome = rest;
      } else {
        throw new ApiError(500, parsed.error.code, parsed.error.message);
      }
    }
    if (rows.length > 0) onRows(rows);
    if (outcome) return outcome;
  }
  throw new ApiError(0, 'import_interrupted', 'The connection closed before the import finished. Rows reported so far were handled.');
}
