import { z } from 'zod';

/**
 * The fields of a new sign-up link as the API accepts them, shared with the console's dialog (web imports this file
 * as `@foyer-fields/signup-links`). It imports only zod, which the boundary lint checks.
 */
const idList = (what: string) => z.array(z.string().max(100)).max(100, `Choose at most 100 ${what}.`);

export const signupLinkFields = {
  name: z.string().max(100, 'Keep the name to 100 characters.').default('').describe('Shown only to administrators, in the links list'),
  note: z.string().max(1000, 'Keep the note to 1000 characters.').default('').describe('Shown only to administrators'),
  expiresAt: z.iso.datetime({ offset: true, message: 'Enter a date and time.' }),
  maxUses: z
    .number('Enter a number of uses, or leave it empty for unlimited.')
    .int('Enter a whole number of uses.')
    .min(1, 'Allow at least 1 use, or leave it empty for unlimited.')
    .max(1_000_000, 'Allow at most 1,000,000 uses, or leave it empty for unlimited.')
    .nullable()
    .default(null),
  roleIds: idList('roles').default([]),
  groupIds: idList('groups').default([]),
};

/**
 * The dialog asks for the last day the link works (a date, which it turns into the end of that day before sending)
 * and shows an empty usage limit as '' (sent as null), so those two fields are the form's own; the rest are the API's.
 */
export const signupLinkForm = z.object({
  ...signupLinkFields,
  expiresAt: z.string().min(1, 'Choose the last day the link works.'),
  maxUses: z.preprocess((uses) => (uses === '' ? null : uses), signupLinkFields.maxUses),
});
