import { z } from 'zod';

/**
 * How long invitation and login links stay valid, as `PATCH /api/v1/admin/settings` accepts them, shared with the
 * console's settings card (web imports this file as `@foyer-fields/invitations`). It imports only zod, which the
 * boundary lint checks. Login links sign in whoever opens them: a day at most.
 */
export const invitationSettingsFields = {
  invitationTtlDays: z
    .number('Enter a number of days from 1 to 90.')
    .int('Enter a whole number of days from 1 to 90.')
    .min(1, 'Keep invitation links valid for at least 1 day.')
    .max(90, 'Keep invitation links valid for at most 90 days.'),
  loginLinkTtlMinutes: z
    .number('Enter a number of minutes from 5 to 1440.')
    .int('Enter a whole number of minutes from 5 to 1440.')
    .min(5, 'Keep login links valid for at least 5 minutes.')
    .max(24 * 60, 'Keep login links valid for at most 24 hours (1440 minutes).'),
};

/** The number inputs are empty ('') while someone retypes them, which the API would not take. */
const typed = <T extends z.ZodType>(field: T) => z.preprocess((value) => (value === '' ? undefined : value), field);

export const invitationSettingsForm = z.object({
  invitationTtlDays: typed(invitationSettingsFields.invitationTtlDays),
  loginLinkTtlMinutes: typed(invitationSettingsFields.loginLinkTtlMinutes),
});
