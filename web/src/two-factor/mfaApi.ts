import { api, type Me } from '../api';

export type MfaKind = 'totp' | 'email' | 'sms';
export type SignInMethod = MfaKind | 'recovery_code';

export type MfaStatus = {
  methods: { kind: MfaKind; phone: string | null; confirmedAt: string; lastUsedAt: string | null }[];
  recoveryCodesRemaining: number;
  allowedMethods: MfaKind[];
  required: boolean;
  enrolmentRequired: boolean;
};

export type TotpEnrolment = { secret: string; otpauthUri: string; qrCode: string };

export type Confirmed = { method: MfaKind; recoveryCodes: string[] | null; otherSessionCount: number; user?: Me };

/** What any sign-in answers: a session, or the second-factor step. */
export type SignInReply = { user: Me } | { mfaRequired: true; methods: SignInMethod[]; enrolmentRequired: boolean };

export const METHOD_LABELS: Record<SignInMethod, string> = {
  totp: 'Authenticator app',
  email: 'Email code',
  sms: 'Text message',
  recovery_code: 'Recovery code',
};

export const loadMfaStatus = () => api<MfaStatus>('GET', '/api/v1/me/mfa');
export const startTotp = () => api<TotpEnrolment>('POST', '/api/v1/me/mfa/totp');
export const startEmail = () => api<{ sentTo: string }>('POST', '/api/v1/me/mfa/email');
export const startSms = (phone: string) => api<{ sentTo: string }>('POST', '/api/v1/me/mfa/sms', { phone });
export const confirmMethod = (kind: MfaKind, code: string) => api<Confirmed>('POST', `/api/v1/me/mfa/${kind}/confirm`, { code });
export const removeMethod = (kind: MfaKind) => api<{ otherSessionCount: number }>('DELETE', `/api/v1/me/mfa/${kind}`);
export const regenerateRecoveryCodes = () =>
  api<{ recoveryCodes: string[]; otherSessionCount: number }>('POST', '/api/v1/me/recovery-codes');
