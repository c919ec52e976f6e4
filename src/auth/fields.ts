import { z } from 'zod';

/**
 * The fields of the sign-in, password, two-factor and passkey requests as the API accepts them, shared with the
 * console's forms (web imports this file as `@foyer-fields/auth`): the browser refuses what the server would, with
 * the same sentence. It imports only zod, which the boundary lint checks. None of these checks depends on whether an
 * account exists: a form must never tell who has one.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Length counts what people see as characters, so an emoji is one, not two UTF-16 units. */
export const passwordLength = (password: string) => [...password].length;
export const PASSWORD_TOO_SHORT = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
export const PASSWORD_TOO_LONG = `Use at most ${PASSWORD_MAX_LENGTH} characters.`;

/** A password being proven (sign-in, confirming it is you): present and not absurd, never held to the rules for new ones. */
export const enteredPassword = z
  .string()
  .min(1, 'Enter your password.')
  .max(PASSWORD_MAX_LENGTH, `A password is at most ${PASSWORD_MAX_LENGTH} characters.`);

/**
 * A new password as the server takes it: the schema only keeps absurd bodies out, and assertPasswordAllowed checks
 * length and the common-password list, answering with its own codes (`password_too_short`, ...).
 */
export const newPassword = z
  .string()
  .max(PASSWORD_MAX_LENGTH * 4, PASSWORD_TOO_LONG)
  .describe('8 to 256 characters, not one of the most common passwords.');

/**
 * Form only: the length rule of assertPasswordAllowed, with its sentences, checked before sending. The
 * common-password list stays on the server, which answers on the field.
 */
export const chosenPassword = newPassword
  .refine((p) => passwordLength(p) >= PASSWORD_MIN_LENGTH, PASSWORD_TOO_SHORT)
  .refine((p) => passwordLength(p) <= PASSWORD_MAX_LENGTH, PASSWORD_TOO_LONG);

/**
 * A new password whose length the schema itself checks, where no policy call follows with its own codes (the first
 * administrator at setup): the same bounds and sentences as assertPasswordAllowed.
 */
export const boundedNewPassword = z.string().min(PASSWORD_MIN_LENGTH, PASSWORD_TOO_SHORT).max(PASSWORD_MAX_LENGTH, PASSWORD_TOO_LONG);

/** Form only: typing the new password twice catches a typo the server cannot see. */
const matching = (key: string) => (values: Record<string, string>) => values.confirm === values[key];
const MISMATCH = { message: 'The passwords do not match.', path: ['confirm'] };

/** A code as typed from an app, a message or paper. */
export const codeField = z.string().trim().min(1, 'Enter the code.').max(64, 'A code is at most 64 characters.');

export const signInFields = {
  identifier: z.string().min(1, 'Enter your email address or username.').max(320, 'An email address or username is at most 320 characters.'),
  password: enteredPassword,
};

/** The sign-in form sends the identifier trimmed, so it checks the trimmed value. */
export const signInForm = z.object({ identifier: z.string().trim().pipe(signInFields.identifier), password: signInFields.password });

export const forgotPasswordFields = {
  email: z.string().trim().min(1, 'Enter the email address of your account.').max(320, 'An email address is at most 320 characters.'),
};

/**
 * Form only: the server takes any text and answers the same either way; the form just catches a username typed where
 * the address is asked for. It looks at the text alone, never at whether an account has it.
 */
export const forgotPasswordForm = z.object({
  email: forgotPasswordFields.email.refine((email) => email.includes('@'), 'Enter the email address of your account.'),
});

export const resetPasswordFields = { token: z.string().min(1).max(200), password: newPassword };

/** Set-password and reset links: the new password, twice. */
export const setPasswordForm = z.object({ password: chosenPassword, confirm: z.string() }).refine(matching('password'), MISMATCH);

export const changePasswordFields = {
  currentPassword: z.string().max(PASSWORD_MAX_LENGTH * 4, `A password is at most ${PASSWORD_MAX_LENGTH} characters.`).optional(),
  newPassword,
};

/**
 * Changing your own password; `currentPassword` is asked for (form only, the server says `current_password_incorrect`)
 * when the account has one.
 */
export const changePasswordForm = (hasPassword: boolean) =>
  z
    .object({
      currentPassword: hasPassword ? z.string().min(1, 'Enter your current password.') : z.string(),
      newPassword: chosenPassword,
      confirm: z.string(),
    })
    .refine(matching('newPassword'), MISMATCH);

export const reauthenticationFields = {
  password: { password: enteredPassword },
  totp: { method: z.literal('totp'), code: codeField },
};

/** "Confirm it's you" has one small form per way. */
export const reauthenticationPasswordForm = z.object(reauthenticationFields.password);
export const codeForm = z.object({ code: codeField });

/** Form only: a second factor being set up sends 6-digit codes, so anything else is a typo caught before sending. */
export const enrolmentCodeForm = z.object({ code: codeField.regex(/^\d{6}$/, 'Enter the 6-digit code.') });

export const PASSKEY_NAME_MAX = 100;

export const passkeyName = z
  .string()
  .trim()
  .min(1, 'Give the passkey a name.')
  .max(PASSKEY_NAME_MAX, `Keep the name to ${PASSKEY_NAME_MAX} characters.`);

export const renamePasskeyForm = z.object({ name: passkeyName });

/** Form only: adding a passkey may leave the name empty, and Foyer names it after the browser. */
export const addPasskeyForm = z.object({ name: z.union([z.string().trim().length(0), passkeyName]) });

export const smsEnrolmentFields = { phone: z.string().max(32, 'A phone number is at most 32 characters.') };

/** Form only: the server answers an empty number on the field too, but the form need not ask it. */
export const smsEnrolmentForm = z.object({
  phone: smsEnrolmentFields.phone.refine((phone) => phone.trim() !== '', 'Enter your phone number, starting with + and the country code.'),
});

/** The second factors Foyer offers (src/auth/mfa), here so the settings form can name them. */
export const MFA_METHODS = ['totp', 'email', 'sms'] as const;

/**
 * What happens, once two-factor is required, to someone who has no second factor yet. `lockout` is seed 001: they
 * cannot sign in until an administrator issues them a one-time recovery code. `enrol_at_sign_in` is gentler: their
 * sign-in stops at setting up a second factor, and only then do they get a session.
 */
export const WITHOUT_METHOD_POLICIES = ['lockout', 'enrol_at_sign_in'] as const;

const smsWebhookUrl = z
  .string()
  .trim()
  .max(2000, 'Keep the address to 2,000 characters.')
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'Enter an http:// or https:// address.' });

/** Settings → Authentication → Two-factor authentication, as PATCH /api/v1/admin/settings takes it under `mfa`. */
export const mfaSettingsFields = {
  allowedMethods: z.array(z.enum(MFA_METHODS)).min(1, 'Allow at least one method.'),
  required: z.boolean(),
  withoutMethod: z.enum(WITHOUT_METHOD_POLICIES),
  smsWebhookUrl: smsWebhookUrl.nullable(),
};

/** Form only: the form holds an empty webhook box as "" and sends it as null (the dev mailbox). */
export const mfaSettingsForm = z.object({
  ...mfaSettingsFields,
  smsWebhookUrl: z.string().refine((value) => value.trim() === '' || smsWebhookUrl.safeParse(value).success, 'Enter an http:// or https:// address.'),
});
