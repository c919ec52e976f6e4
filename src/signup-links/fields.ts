import { z } from 'zod';
import { chosenPassword, newPassword } from '../auth/fields.js';
import { newUserFields, ownAccountForm } from '../users/fields.js';

/**
 * The fields of a new sign-up link as the API accepts them, shared with the console's dialog (web imports this file
 * as `@foyer-fields/signup-links`), and of the account someone makes with one. It imports only zod and other
 * fields files, which the boundary lint checks.
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

/**
 * Redeeming a link: the account fields every way in shares and, when the person chooses one, a password, which the
 * password policy checks on the server with its own codes.
 */
export const joinFields = { ...newUserFields, password: newPassword.optional() };

/** The join page when the person chooses a password: the policy's length rule, with its sentences, before sending. */
export const joinWithPasswordForm = ownAccountForm.extend({ password: chosenPassword });
