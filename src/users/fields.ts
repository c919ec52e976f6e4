import { z } from 'zod';

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
