import { z } from 'zod';
import { boundedNewPassword } from '../auth/fields.js';
import { newUserFields, ownAccountForm } from '../users/fields.js';

/**
 * POST /api/v1/setup as the API accepts it, shared with the console's setup page (`@foyer-fields/setup`): the
 * one-time link's token, the account fields every way in shares, and the first administrator's password, whose length
 * the schema checks itself because no password policy call follows at setup.
 */
export const setupFields = { token: z.string().min(1).max(200), ...newUserFields, password: boundedNewPassword };

/** The setup page: the account as its person types it, and the password. */
export const setupForm = ownAccountForm.extend({ password: setupFields.password });
