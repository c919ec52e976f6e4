import { call, client, type Me, type ReplyOf } from '../api';

export type MfaKind = 'totp' | 'email' | 'sms';
export type SignInMethod = MfaKind | 'recovery_code';

export type MfaStatus = ReplyOf<'/api/v1/me/mfa', 'get'>;

export type TotpEnrolment = { secret: string; otpauthUri: string; qrCode: string };

export type Confirmed = { method: MfaKind; recoveryCodes: string[] | null; otherSessionCount: number; user?: Me };

/** What any sign-in answers: a session, or the second-factor step. */
export type SignInReply = ReplyOf<'/api/v1/auth/login', 'post'>;

export const METHOD_LABELS: Record<SignInMethod, string> = {
  totp: 'Authenticator app',
  email: 'Email code',
  sms: 'Text message',
  recovery_code: 'Recovery code',
};

export const loadMfaStatus = () => call(client.GET('/api/v1/me/mfa'));
export const startTotp = () => call(client.POST('/api/v1/me/mfa/totp'));
export const startEmail = () => call(client.POST('/api/v1/me/mfa/email'));
export const startSms = (phone: string) => call(client.POST('/api/v1/me/mfa/sms', { body: { phone } }));
export const confirmMethod = (kind: MfaKind, code: string) => call(client.POST('/api/v1/me/mfa/{method}/confirm', { params: { path: { method: kind } }, body: { code } }));
export const removeMethod = (kind: MfaKind) => call(client.DELETE('/api/v1/me/mfa/{method}', { params: { path: { method: kind } } }));
export const regenerateRecoveryCodes = () =>
  call(client.POST('/api/v1/me/recovery-codes'));
