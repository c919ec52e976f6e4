import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const PERIOD_SECONDS = 30;
/** One step either side absorbs clock drift between server and phone without keeping codes alive much longer. */
const WINDOW_STEPS = 1;

const totpOf = (base32Secret: string, label = '', issuer = '') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(base32Secret) });

/** 160 bits, the size RFC 4226 recommends and every authenticator app accepts. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** An SVG image of the URI as a data: URL, for the console to show as-is. */
  qrCode: string;
}

export async function describeTotpEnrolment(secret: string, account: string, issuer: string): Promise<TotpEnrolment> {
  const otpauthUri = totpOf(secret, account, issuer).toString();
  const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { secret, otpauthUri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/**
 * The time step a code belongs to, if it is valid now (within the window), else null. Callers record the step so the
 * same code cannot be used twice.
 */
export function matchingTotpStep(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: now.getTime(), window: WINDOW_STEPS });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

/** For tests and the e2e suite: the code an authenticator app would show at `now`. */
export const totpCodeAt = (secret: string, now: Date): string => totpOf(secret).generate({ timestamp: now.getTime() });
