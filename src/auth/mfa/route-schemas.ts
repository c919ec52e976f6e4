import { z } from 'zod';

export const changeReply = z.object({
  /** Sessions of this person other than the current one, which the console offers to end (DELETE /api/v1/me/sessions). */
  otherSessionCount: z.number().int(),
});
