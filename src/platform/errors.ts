/**
 * The one error type of Foyer. Every failure a client may see carries a stable, machine-readable `code`;
 * callers branch on the code, never on the message.
 */
export class FoyerError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'FoyerError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const unauthenticated = () =>
  new FoyerError(401, 'unauthenticated', 'You need to sign in to do this.');

export const forbidden = () =>
  new FoyerError(403, 'forbidden', 'You do not have permission to do this.');

export const notFound = (what: string) => new FoyerError(404, 'not_found', `${what} was not found.`);

export const fieldError = (field: string, code: string, message: string, status = 409) =>
  new FoyerError(status, code, message, { details: { fields: { [field]: message } } });
