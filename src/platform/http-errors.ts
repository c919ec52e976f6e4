import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { FoyerError } from './errors.js';

/**
 * Fastify's and its plugins' own refusals, in Foyer's words. Their messages name Fastify internals or echo the
 * input, so each gets a code and a sentence of ours; any other 4xx they raise gets the generic entry below.
 */
const FRAMEWORK_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  FST_ERR_BAD_URL: [400, 'bad_url', 'The address is not validly encoded.'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long', 'A part of the address is too long.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'This content type is not accepted here. Send application/json.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_content_length', 'The request body does not match its Content-Length.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'The body is empty but was sent as JSON.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'The body is not valid JSON.'],
  FST_ERR_NOT_FOUND: [404, 'not_found', 'There is nothing at this address.'],
};

const fromFramework = (error: FastifyError): FoyerError | null => {
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return new FoyerError(...known);
  const status = error.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  // The JSON parser's SyntaxError (and its prototype-poisoning refusal) carries a 400 but no code.
  if (error instanceof SyntaxError) return new FoyerError(400, 'invalid_json', 'The body is not valid JSON.');
  return new FoyerError(status, 'bad_request', STATUS_CODES[status] ?? 'The request was refused.');
};

/** The error as the client sees it, or null for a failure of ours (a 500 that only the log explains). */
export function toFoyerError(error: FastifyError | FoyerError | Error): FoyerError | null {
  if (error instanceof FoyerError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const issue of error.validation) {
      const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || (error.validationContext ?? 'body');
      fields[field] ??= issue.message ?? 'is invalid';
    }
    return new FoyerError(400, 'validation_failed', 'Some fields are missing or invalid.', { details: { fields } });
  }
  return fromFramework(error as FastifyError);
}

export const internalError = () => new FoyerError(500, 'internal_error', 'Something went wrong on our side. Please try again.');

export const errorBody = (error: FoyerError) => ({
  error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
});

export function sendError(reply: FastifyReply, error: FoyerError) {
  if (error.headers) reply.headers(error.headers);
  return reply.status(error.status).send(errorBody(error));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or address over 16 KiB, a malformed request
 * line): answered in the same shape, then the connection is closed because its stream can no longer be trusted.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers (or the address) are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request took too long to arrive.']
        : [400, 'bad_request', 'The request could not be read.'];
  const body = JSON.stringify(errorBody(new FoyerError(status, code, message)));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
