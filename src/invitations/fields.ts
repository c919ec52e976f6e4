import { z } from 'zod';

/**
 * Accepting an invitation as the API takes it, shared with the console's accept page (web imports this file as
 * `@foyer-fields/invitations`). It imports only zod, which the boundary lint checks. The password's length and the
 * common-password list are checked after it (assertPasswordAllowed), with their own codes.
 */
export const acceptInvitationFields = {
  password: { password: z.string().min(1, 'Enter a password.').max(1024, 'Use at most 256 characters.') },
  passkey: { passkey: z.literal(true) },
};
