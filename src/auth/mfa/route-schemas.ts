import { z } from 'zod';

/** A code as typed from an app, a message or paper. */
export const codeField = z.string().trim().min(1).max(64);

export const changeReply = z.object({
  /** Sessions of this person other than the current one, which the console offers to end (DELETE /api/v1/me/sessions). */
  otherSessionCount: z.number().int(),
});
