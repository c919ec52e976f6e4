import { z } from 'zod';

/**
 * An access request as the public form sends it, shared with the console's /signup page (web imports this file as
 * `@foyer-fields/access-requests`). It imports only zod, which the boundary lint checks. Nothing here depends on
 * whether the address has an account or an earlier request: the reply never tells.
 */
export const accessRequestFields = {
  email: z.email('Enter a valid email address.').max(320, 'An email address is at most 320 characters.'),
  name: z.string().trim().min(1, 'Enter your name.').max(200, 'Keep the name to 200 characters.'),
  message: z.string().max(2000, 'Keep the message under 2000 characters.').default(''),
};

/** The page sends the email trimmed, so it checks the trimmed value. */
export const accessRequestForm = z.object({ ...accessRequestFields, email: z.string().trim().pipe(accessRequestFields.email) });
