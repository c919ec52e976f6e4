import { AsyncLocalStorage } from 'node:async_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEntry } from '../audit/index.js';
import { waitingMailCount, type DeliveryOutcome } from '../mail/index.js';
import type { Database } from '../platform/db.js';

/**
 * Foyer's Prometheus figures. Each app has its own registry (tests run many apps in one process). Sign-ins,
 * sign-ups and access requests are counted from the audit events the request records, so a new way of signing in
 * is counted as soon as it is audited; the mail queue depth is read from the database at scrape time, so every
 * instance reports the same figure.
 */
export interface FoyerMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  observeAudit(entry: AuditEntry): void;
  mailDelivered(status: DeliveryOutcome['status']): void;
  appSignIn(clientId: string): void;
  tokenGranted(grantType: string): void;
}

declare module '../platform/http.js' {
  interface AppDeps {
    /** Shared with the mail worker; created by buildApp when absent and FOYER_METRICS_TOKEN is set. */
    metrics?: FoyerMetrics;
  }
}

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Counted = { counter: 'signIns'; labels: { method: string; outcome: string } } | { counter: 'signUps'; labels: { path: string } } | { counter: 'accessRequests'; labels: { event: string } };

const text = (value: unknown, fallback: string) => (typeof value === 'string' && value ? value : fallback);

/** Which audit events are a sign-in, a sign-up or an access request, and with what labels. */
export function countedAs(entry: AuditEntry): Counted | null {
  const d = entry.details ?? {};
  const signIn = (method: string, outcome: string): Counted => ({ counter: 'signIns', labels: { method, outcome } });
  const signUp = (path: string): Counted => ({ counter: 'signUps', labels: { path } });
  switch (entry.action) {
    case 'auth.login.succeeded':
      return signIn(text(d.method, 'password'), 'success');
    case 'auth.login.failed':
      return signIn(text(d.method, 'password'), 'failure');
    case 'auth.login.throttled':
      return signIn('password', 'throttled');
    case 'auth.sign_in.locked':
      return signIn(text(d.method, 'password'), 'locked');
    case 'auth.mfa.challenged':
    case 'auth.mfa.enrolment_required':
      return signIn(text(d.method, 'password'), 'second_factor_required');
    case 'auth.mfa.failed':
      return signIn(text(d.method, 'second_factor'), 'second_factor_failed');
    case 'setup.completed':
      return signUp('setup');
    case 'setup.bootstrap_admin_created':
      return signUp('bootstrap');
    case 'signup_link.redeemed':
      return signUp('signup_link');
    case 'invitation.accepted':
    case 'invitation.claimed_by_sso':
      return signUp('invitation');
    case 'verified_invitation.completed':
      return signUp('verified_invitation');
    case 'sso.identity_linked':
      return d.reason === 'registration' ? signUp('sso') : null;
    case 'access_request.created':
      return { counter: 'accessRequests', labels: { event: 'submitted' } };
    case 'access_request.resubmitted':
    case 'access_request.approved':
    case 'access_request.declined':
    case 'access_request.refused':
      return { counter: 'accessRequests', labels: { event: entry.action.slice('access_request.'.length) } };
    default:
      return null;
  }
}

export function createMetrics(db: Database): FoyerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'foyer_' });
  const httpDuration = new Histogram({
    name: 'foyer_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const counters = {
    signIns: new Counter({
      name: 'foyer_sign_ins_total',
      help: 'Sign-in attempts by first factor and outcome (success, failure, throttled, locked, second_factor_required, second_factor_failed)',
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
    signUps: new Counter({
      name: 'foyer_sign_ups_total',
      help: 'Accounts created by the way the person joined',
      labelNames: ['path'] as const,
      registers: [registry],
    }),
    accessRequests: new Counter({
      name: 'foyer_access_requests_total',
      help: 'Access requests submitted, resubmitted, refused (domain not allowed), approved and declined',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
  };
  const mailDeliveries = new Counter({
    name: 'foyer_mail_deliveries_total',
    help: 'Delivery attempts by this instance: sent, captured (no SMTP configured), retrying, failed',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'foyer_mail_queue_depth',
    help: 'Messages waiting to be sent or being sent, across all instances',
    registers: [registry],
    async collect() {
      this.set(await waitingMailCount(db));
    },
  });
  const appSignIns = new Counter({
    name: 'foyer_app_sign_ins_total',
    help: 'Sign-ins into connected apps (OpenID Connect authorisations), by client',
    labelNames: ['client_id'] as const,
    registers: [registry],
  });
  const tokenGrants = new Counter({
    name: 'foyer_token_grants_total',
    help: 'Tokens issued to connected apps, by grant type',
    labelNames: ['grant_type'] as const,
    registers: [registry],
  });
  const deliveryOutcome: Record<DeliveryOutcome['status'], string | null> = { sent: 'sent', captured: 'captured', queued: 'retrying', failed: 'failed', lost: null };

  return {
    registry,
    httpDuration,
    observeAudit(entry) {
      const counted = countedAs(entry);
      if (!counted) return;
      if (counted.counter === 'signIns') counters.signIns.inc(counted.labels);
      else if (counted.counter === 'signUps') counters.signUps.inc(counted.labels);
      else counters.accessRequests.inc(counted.labels);
    },
    mailDelivered(status) {
      const outcome = deliveryOutcome[status];
      if (outcome) mailDeliveries.inc({ outcome });
    },
    appSignIn: (clientId) => appSignIns.inc({ client_id: clientId }),
    tokenGranted: (grantType) => tokenGrants.inc({ grant_type: grantType }),
  };
}

/** The metrics of the app serving the request in progress (set by metrics/routes.ts). */
export const requestMetrics = new AsyncLocalStorage<FoyerMetrics>();

/**
 * For code that serves connected apps (src/apps): count a sign-in into an app or a token grant. Call it while
 * handling the request; it does nothing when metrics are off.
 */
export const appMetrics = {
  signedIn: (clientId: string) => requestMetrics.getStore()?.appSignIn(clientId),
  tokenGranted: (grantType: string) => requestMetrics.getStore()?.tokenGranted(grantType),
};
