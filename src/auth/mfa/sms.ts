import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { captureSms } from '../../mail/index.js';

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  text: string;
  /** The code the message carries. */
  secret: string;
}

/** Where SMS go. Foyer ships two: the dev mailbox (default) and an HTTP webhook that a gateway of your choice serves. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/**
 * Without a gateway, messages land in the dev mailbox (Mail page) next to captured email, so an instance can be tried
 * out end to end before anyone wires up an SMS provider.
 */
export const capturedSmsSender = (db: Database): SmsSender => ({
  async send(message) {
    await captureSms(db, { ...message, now: new Date() });
  },
});

const WEBHOOK_TIMEOUT_MS = 10_000;

const notSent = () =>
  new FoyerError(502, 'sms_not_sent', 'The text message could not be sent. Try again in a moment, or use another method.');

/** Where a failed delivery is explained to the operator (the client only hears `sms_not_sent`). */
export interface SmsLog {
  warn(details: object, message: string): void;
}

/**
 * POSTs `{to, text}` as JSON; any 2xx counts as accepted. The gateway's reply is never passed on to the client; why
 * it failed is logged, naming the gateway by host only (its URL may carry a credential).
 */
export const webhookSmsSender = (url: string, log?: SmsLog): SmsSender => ({
  async send(message) {
    const gateway = new URL(url).host;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      log?.warn({ err: error, gateway }, 'the SMS gateway could not be reached');
      throw notSent();
    }
    await response.body?.cancel();
    if (!response.ok) {
      log?.warn({ status: response.status, gateway }, 'the SMS gateway refused the message');
      throw notSent();
    }
  },
});

export const smsSenderFor = (db: Database, settings: { smsWebhookUrl: string | null }, log?: SmsLog): SmsSender =>
  settings.smsWebhookUrl ? webhookSmsSender(settings.smsWebhookUrl, log) : capturedSmsSender(db);
