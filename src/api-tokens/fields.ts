import { z } from 'zod';

/**
 * A new API token as the API accepts it, shared with the console's dialog (web imports this file as
 * `@foyer-fields/api-tokens`). It imports only zod, which the boundary lint checks.
 */
export const apiTokenFields = {
  name: z.string().trim().min(1, 'Give the token a name that says what uses it.').max(100, 'Keep the name to 100 characters.'),
  expiresAt: z.iso.datetime({ message: 'Enter a date and time for the token to expire.' }).nullable().optional(),
};

/** The dialog offers a lifetime (a number of days, or never) and turns it into the expiry it sends. */
export const apiTokenForm = z.object({ name: apiTokenFields.name, lifetime: z.string() });
