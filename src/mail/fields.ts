import { z } from 'zod';

/**
 * The mail settings and the test email as the API accepts them, shared with the console's SMTP and test-email forms
 * (web imports this file as `@foyer-fields/mail`). It imports only zod, which the boundary lint checks.
 */
export const TLS_MODES = ['none', 'starttls', 'tls'] as const;

// Generous on purpose: the SMTP server is the judge of addresses; this only stops obvious typos.
const HOST = /^$|^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]+\]?$/;
const MAILBOX = /^$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$|^[^\s@<>]+@[^\s@<>]+$/;

/** Each field as PATCH `mail` takes it when sent; the route makes them optional (and nullable where "" clears). */
export const mailFields = {
  host: z
    .string()
    .trim()
    .max(253, 'Keep the host to 253 characters.')
    .regex(HOST, { message: 'Enter a host name or IP address, such as smtp.example.com.' }),
  port: z
    .number('Enter a port from 1 to 65535.')
    .int('Enter a port from 1 to 65535.')
    .min(1, 'Enter a port from 1 to 65535.')
    .max(65535, 'Enter a port from 1 to 65535.'),
  tlsMode: z.enum(TLS_MODES, 'Choose how to secure the connection.'),
  username: z.string().trim().max(320, 'Keep the username to 320 characters.'),
  password: z.string().max(1024, 'Keep the password to 1024 characters.'),
  fromAddress: z
    .string()
    .trim()
    .max(320, 'Keep the from address to 320 characters.')
    .regex(MAILBOX, { message: 'Enter an email address, optionally with a name: Foyer <foyer@example.com>.' }),
  instanceName: z.string().trim().min(1, 'Give the instance a name for the emails.').max(100, 'Keep the name to 100 characters.'),
};

/** The SMTP form: the port input is empty ('') while someone retypes it, which the API would not take. */
export const smtpForm = z.object({
  ...mailFields,
  port: z.preprocess((port) => (port === '' ? undefined : port), mailFields.port),
});

export const testEmailFields = {
  to: z.email({ message: 'Enter an email address to send the test to.' }).max(320, 'Keep the address to 320 characters.'),
};

export const testEmailForm = z.object(testEmailFields);
