import { z } from 'zod';

/**
 * The confirmation code as the API accepts it, shared with the console's "Confirm your email address" card (web
 * imports this file as `@foyer-fields/email-verification`). It imports only zod, which the boundary lint checks.
 */
export const verifyEmailFields = {
  code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6 digits from the email.'),
};

export const verifyEmailForm = z.object(verifyEmailFields);
