import { z } from 'zod';
import { boundedNewPassword } from '../auth/fields.js';

/** Field rules shared by every way an account comes to exist (setup, admin create, sign-up, invitations). */
export const newUserFields = {
  name: z.string().trim().min(1, 'Enter a name').max(200),
  email: z.email('Enter a valid email address').max(320),
  username: z
    .string()
    .trim()
    .min(2, 'Use at least 2 characters')
    .max(64)
    .regex(/^[a-zA-Z0-9._-]+$/, 'Use letters, digits, dots, dashes and underscores only'),
};

/**
 * Form only: the account fields as someone making their own account types them (setup, a sign-up link). The email is
 * sent trimmed, so the form checks the trimmed value; each way in adds the password its request takes.
 */
export const ownAccountForm = z.object({ ...newUserFields, email: z.string().trim().pipe(newUserFields.email) });

const idList = (what: string) => z.array(z.string().max(100)).max(100, `Choose at most 100 ${what}.`);

/**
 * What an administrator sets on an account besides its identity, shared with the console's user dialog
 * (`@foyer-fields/users`). The password has the length rule of every new password (src/auth/fields.ts); the
 * password policy checks it again on the server whatever this says.
 */
export const adminUserFields = {
  password: boundedNewPassword,
  roleIds: idList('roles'),
  groupIds: idList('groups'),
};

/**
 * The user dialog, adding or editing: an empty password field means "no password" (the account is Pending Setup),
 * which the API takes as the field left out.
 */
export const userForm = z.object({
  ...newUserFields,
  ...adminUserFields,
  password: z.preprocess((password) => (password === '' ? undefined : password), adminUserFields.password.optional()),
});

/**
 * The invite dialog asks for name, email and an optional password, which the invitation route takes as these same
 * fields (its password is checked by the password policy, with the sentence this form shows).
 */
export const inviteUserForm = userForm.pick({ name: true, email: true, password: true });
