import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from './support.js';
import { ALL_PERMISSIONS, roles } from '../src/accounts/index.js';
import { operationsOf, sampleOf, urlOf, type OpenApiDocument, type Operation } from './openapi-operations.js';

/**
 * Who may call what: every operation of the OpenAPI document against every kind of caller, compared with the table
 * below. A new operation fails this test until it is given a row, which is the point: someone decides who may call it.
 *
 * A caller "may" call an operation when it is not refused with 401 or 403; the requests name ids that do not exist,
 * so an allowed call mostly ends in a 404 and changes nothing.
 */

type Rule =
  /** Anyone, signed in or not; the operation checks whatever credentials it needs itself (links, pending sign-ins). */
  | { public: true }
  /** Anyone signed in, External users included: their own account. */
  | { signedIn: true }
  /** Holders of any of these permissions (or all of them); External users only when `external` says so. */
  | { any?: string[]; all?: string[]; external: boolean };

const PUBLIC: Rule = { public: true };
const SELF: Rule = { signedIn: true };
/** Seeing or changing other people: never for External users, whatever they hold. */
const people = (...any: string[]): Rule => ({ any, external: false });
/** Instance configuration, with nobody's personal data in it. */
const config = (...any: string[]): Rule => ({ any, external: true });

const RULES: Record<string, Rule & { body?: unknown }> = {
  'GET /api/v1/setup': PUBLIC,
  'POST /api/v1/setup': PUBLIC,
  'POST /api/v1/setup/check': { ...PUBLIC, body: { token: 'x'.repeat(43) } },
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': PUBLIC,
  'GET /api/v1/auth/sign-in-options': PUBLIC,
  'POST /api/v1/auth/passkey/options': PUBLIC,
  'POST /api/v1/auth/passkey/verify': PUBLIC,
  'POST /api/v1/auth/password/forgot': PUBLIC,
  'POST /api/v1/auth/password/reset': PUBLIC,
  'POST /api/v1/auth/mfa': PUBLIC,
  'GET /api/v1/auth/mfa': PUBLIC,
  'POST /api/v1/auth/mfa/send': PUBLIC,
  'GET /api/v1/signup-links/{token}': PUBLIC,
  'POST /api/v1/signup-links/{token}/redeem': PUBLIC,
  'GET /api/v1/invitations/{token}': PUBLIC,
  'POST /api/v1/invitations/{token}/accept': PUBLIC,
  'POST /api/v1/auth/login-link': PUBLIC,
  'GET /api/v1/auth/sso/{id}/start': PUBLIC,
  'GET /api/v1/auth/sso/callback': PUBLIC,
  'POST /api/v1/verified-invitations/join': PUBLIC,
  'GET /api/v1/verified-invitations/{id}': PUBLIC,
  'GET /api/v1/verified-invitations/{id}/events': PUBLIC,
  'POST /api/v1/verified-invitations/{id}/choose': PUBLIC,
  'POST /api/v1/verified-invitations/{id}/sign-in': PUBLIC,
  'POST /api/v1/access-requests': PUBLIC,

  'GET /api/v1/me': SELF,
  'PATCH /api/v1/me': SELF,
  'GET /api/v1/me/passkeys': SELF,
  'POST /api/v1/me/passkeys': SELF,
  'POST /api/v1/me/passkeys/options': SELF,
  'PATCH /api/v1/me/passkeys/{id}': SELF,
  'DELETE /api/v1/me/passkeys/{id}': SELF,
  'POST /api/v1/me/reauthenticate/passkey/options': SELF,
  'POST /api/v1/me/reauthenticate/passkey/verify': SELF,
  'GET /api/v1/me/sessions': SELF,
  'DELETE /api/v1/me/sessions': SELF,
  'DELETE /api/v1/me/sessions/{id}': SELF,
  'GET /api/v1/me/password': SELF,
  'POST /api/v1/me/password': { ...SELF, body: { currentPassword: 'wrong but well formed', newPassword: 'a new long password' } },
  'GET /api/v1/me/mfa': SELF,
  'POST /api/v1/me/mfa/totp': SELF,
  'POST /api/v1/me/mfa/email': SELF,
  'POST /api/v1/me/mfa/sms': { ...SELF, body: { phone: '+15550100' } },
  'POST /api/v1/me/mfa/{method}/confirm': SELF,
  'DELETE /api/v1/me/mfa/{method}': SELF,
  'POST /api/v1/me/recovery-codes': SELF,
  'GET /api/v1/me/reauthenticate': SELF,
  'POST /api/v1/me/reauthenticate': { ...SELF, body: { password: 'correct horse battery' } },
  'POST /api/v1/me/email/verify': SELF,
  'POST /api/v1/me/email/verification': SELF,
  'POST /api/v1/me/sso/{id}/link': SELF,
  'GET /api/v1/me/sso': SELF,
  'DELETE /api/v1/me/sso/{id}': SELF,
  'GET /api/v1/me/notifications': SELF,
  'PATCH /api/v1/me/notifications': SELF,
  'GET /api/v1/me/home': SELF,

  'GET /api/v1/admin/users': people('users.read'),
  'POST /api/v1/admin/users': { ...people('users.create'), body: { name: 'New Person', email: 'new.person@example.com', username: 'new.person' } },
  'POST /api/v1/admin/users/bulk': { ...people('users.update'), body: { userIds: [randomUUID()], action: { type: 'disable' } } },
  'GET /api/v1/admin/users/{id}': people('users.read'),
  'PATCH /api/v1/admin/users/{id}': { ...people('users.update'), body: { name: 'Renamed' } },
  'DELETE /api/v1/admin/users/{id}': people('users.delete'),
  'GET /api/v1/admin/users/{id}/audit-events': { all: ['users.read', 'audit.read'], external: false },
  'POST /api/v1/admin/users/{id}/disable': people('users.update'),
  'POST /api/v1/admin/users/{id}/enable': people('users.update'),
  'POST /api/v1/admin/users/{id}/revoke': people('users.update'),
  'GET /api/v1/admin/users/{id}/sessions': people('users.read'),
  'DELETE /api/v1/admin/users/{id}/sessions': people('users.update'),
  'DELETE /api/v1/admin/users/{id}/sessions/{sessionId}': people('users.update'),
  'POST /api/v1/admin/users/{id}/recovery-code': people('users.update'),
  'GET /api/v1/admin/users/{id}/sign-in-locks': people('users.read'),
  'POST /api/v1/admin/users/{id}/unlock-sign-in': people('users.update'),
  'POST /api/v1/admin/users/{id}/login-link': people('users.update'),
  'GET /api/v1/admin/users/{id}/login-links': people('users.read'),
  'DELETE /api/v1/admin/users/{id}/login-links/{linkId}': people('users.update'),
  'POST /api/v1/admin/users/{id}/send-invite': people('invitations.manage'),
  'GET /api/v1/admin/users/{id}/sso': people('users.read'),
  'DELETE /api/v1/admin/users/{id}/sso/{providerId}': people('users.update'),
  'PATCH /api/v1/admin/users/{id}/auth-method': people('users.update'),
  'GET /api/v1/admin/users/import-template': people('users.create'),
  'POST /api/v1/admin/users/import': people('users.create'),

  'GET /api/v1/admin/permissions': SELF,
  'GET /api/v1/admin/roles': config('roles.manage', 'users.read'),
  'POST /api/v1/admin/roles': { ...config('roles.manage'), body: { name: 'A role', description: '', permissions: [] } },
  'GET /api/v1/admin/roles/{id}': config('roles.manage', 'users.read'),
  'PATCH /api/v1/admin/roles/{id}': { ...config('roles.manage'), body: { name: 'Renamed role' } },
  'DELETE /api/v1/admin/roles/{id}': config('roles.manage'),
  'GET /api/v1/admin/groups': config('groups.manage', 'users.read'),
  'POST /api/v1/admin/groups': { ...config('groups.manage'), body: { name: 'A group', description: '', roleIds: [] } },
  'GET /api/v1/admin/groups/{id}': config('groups.manage', 'users.read'),
  'PATCH /api/v1/admin/groups/{id}': { ...config('groups.manage'), body: { name: 'Renamed group' } },
  'DELETE /api/v1/admin/groups/{id}': config('groups.manage'),
  'GET /api/v1/admin/groups/{id}/members': people('groups.manage', 'users.read'),
  'POST /api/v1/admin/groups/{id}/members': { ...people('groups.manage'), body: { userIds: [randomUUID()] } },
  'DELETE /api/v1/admin/groups/{id}/members/{userId}': people('groups.manage'),

  'GET /api/v1/admin/signup-links': people('invitations.manage'),
  'POST /api/v1/admin/signup-links': { ...people('invitations.manage'), body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
  'DELETE /api/v1/admin/signup-links/{id}': people('invitations.manage'),
  'POST /api/v1/admin/signup-links/{id}/send': { ...people('invitations.manage'), body: { token: 'not-a-link-token', emails: ['someone@example.com'] } },
  'GET /api/v1/admin/invitations': people('invitations.manage'),
  'POST /api/v1/admin/invitations': { ...people('invitations.manage'), body: { name: 'Invited', email: 'invited@example.com' } },
  'DELETE /api/v1/admin/invitations/{id}': people('invitations.manage'),
  'POST /api/v1/admin/invitations/{id}/resend': people('invitations.manage'),
  'POST /api/v1/admin/verified-invitations': { ...people('users.create'), body: { name: 'Guest', email: 'guest@example.com' } },
  'GET /api/v1/admin/verified-invitations': people('users.create'),
  'GET /api/v1/admin/verified-invitations/{id}': people('users.create'),
  'DELETE /api/v1/admin/verified-invitations/{id}': people('users.create'),
  'GET /api/v1/admin/verified-invitations/{id}/events': people('users.create'),
  'POST /api/v1/admin/verified-invitations/{id}/greet': people('users.create'),
  'POST /api/v1/admin/verified-invitations/{id}/choose': people('users.create'),
  'POST /api/v1/admin/verified-invitations/{id}/confirm': people('users.create'),
  'GET /api/v1/admin/access-requests': people('access_requests.read'),
  'GET /api/v1/admin/access-requests/{id}': people('access_requests.read'),
  'POST /api/v1/admin/access-requests/approve': { all: ['users.create', 'access_requests.approve'], external: false, body: { ids: [randomUUID()] } },
  'POST /api/v1/admin/access-requests/decline': { ...people('access_requests.approve'), body: { ids: [randomUUID()] } },
  'POST /api/v1/admin/access-requests/{id}/restore': people('access_requests.restore'),

  'GET /api/v1/admin/api-tokens': people('api_tokens.manage'),
  // A token acts as its creator, so an External holder may make one for themselves, but not revoke anyone else's.
  'POST /api/v1/admin/api-tokens': { ...config('api_tokens.manage'), body: { name: 'A token' } },
  'GET /api/v1/admin/api-tokens/{id}': people('api_tokens.manage'),
  'DELETE /api/v1/admin/api-tokens/{id}': people('api_tokens.manage'),
  'GET /api/v1/admin/audit-events': people('audit.read'),
  'GET /api/v1/admin/audit-events.csv': people('audit.read'),
  // Each part answers only to its own permission, and the parts about other people never to External users.
  'GET /api/v1/admin/overview': config(...ALL_PERMISSIONS),

  'GET /api/v1/admin/settings': config('settings.manage'),
  'PATCH /api/v1/admin/settings': { ...config('settings.manage'), body: {} },
  'GET /api/v1/admin/sso-providers': config('settings.manage'),
  // A provider of one's own could assert anyone's email, so External users may not add or change one.
  'POST /api/v1/admin/sso-providers': { ...people('settings.manage'), body: { name: 'IdP', issuer: 'https://idp.invalid', clientId: 'foyer', enabled: false } },
  'GET /api/v1/admin/sso-providers/{id}': config('settings.manage'),
  'PATCH /api/v1/admin/sso-providers/{id}': { ...people('settings.manage'), body: { name: 'Renamed IdP' } },
  'DELETE /api/v1/admin/sso-providers/{id}': config('settings.manage'),
  'POST /api/v1/admin/sso-providers/{id}/test': config('settings.manage'),
  'POST /api/v1/admin/sso-providers/test': { ...config('settings.manage'), body: { issuer: 'https://idp.invalid', clientId: 'foyer' } },
  'GET /api/v1/admin/mail/status': config('settings.manage'),
  'POST /api/v1/admin/settings/mail/test': { ...config('settings.manage'), body: { to: 'test@example.com' } },
  // Mail carries other people's live links: its own permission, never for External users (issue 16, item 1).
  'GET /api/v1/admin/mail/outbox': people('mail.read'),
  // Holds every account and credential hash.
  'GET /api/v1/admin/backup': people('instance.backup'),
  // An app of one's own that needs no consent would learn the name and email of everyone who opens its link.
  'GET /api/v1/admin/apps': people('apps.read'),
  'POST /api/v1/admin/apps': { ...people('apps.manage'), body: { name: 'An app', type: 'confidential', redirectUris: ['https://app.example.com/cb'], access: { everyone: false, groupIds: [] } } },
  'GET /api/v1/admin/apps/{id}': people('apps.read'),
  'PATCH /api/v1/admin/apps/{id}': { ...people('apps.manage'), body: { name: 'Renamed app' } },
  'DELETE /api/v1/admin/apps/{id}': people('apps.manage'),
  'POST /api/v1/admin/apps/{id}/secret': people('apps.manage'),
  'GET /api/v1/admin/apps/{id}/preview': people('apps.read'),
  'GET /api/v1/admin/users/{id}/apps': people('users.read', 'apps.read'),
  'GET /api/v1/me/apps': SELF,
  'GET /api/v1/me/authorizations': SELF,
  'DELETE /api/v1/me/apps/{id}/authorization': SELF,
  // The engine's sign-in hand-off: the interaction id is the credential, a session is not needed to ask.
  'GET /oidc/interaction/{uid}/details': PUBLIC,
  'POST /oidc/interaction/{uid}/consent': PUBLIC,
  'GET /api/v1/admin/mail/outbox/{id}': people('mail.read'),
  'POST /api/v1/admin/mail/outbox/{id}/retry': people('mail.read'),
};

interface Caller {
  name: string;
  headers: Record<string, string>;
  profile: 'anonymous' | 'member' | 'external';
  permissions: ReadonlySet<string>;
}

function mayCall(rule: Rule, caller: Caller): boolean {
  if ('public' in rule) return true;
  if (caller.profile === 'anonymous') return false;
  if ('signedIn' in rule) return true;
  if (caller.profile === 'external' && !rule.external) return false;
  const held = (p: string) => caller.permissions.has(p);
  return (rule.any ?? []).some(held) || ((rule.all ?? []).length > 0 && rule.all!.every(held));
}

let t: TestApp;
let doc: OpenApiDocument;
const callers: Caller[] = [];
/** Someone no External caller may ever learn about. */
const bystander = { name: 'Bystander Bettany', email: 'bettany.bystander@example.com' };

beforeAll(async () => {
  t = await createTestApp();
  await seedUser(t.handle, { ...bystander, username: 'bettany' });
  // Mail to the bystander with a live link sits in the outbox.
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: TEST_ORIGIN }, payload: { email: bystander.email } });
  const session = async (email: string) => asBrowser(await signIn(t.app, email));
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  const member = await seedUser(t.handle, { roles: ['member'] });
  const external = await seedUser(t.handle, { profile: 'external' });
  callers.push({ name: 'anonymous', headers: { origin: TEST_ORIGIN }, profile: 'anonymous', permissions: new Set() });
  callers.push({ name: 'member', headers: await session(member.email), profile: 'member', permissions: new Set() });
  callers.push({ name: 'external', headers: await session(external.email), profile: 'external', permissions: new Set() });
  for (const permission of ALL_PERMISSIONS) {
    const [role] = await t.handle.db.insert(roles).values({ name: `Only ${permission}`, description: '', permissions: [permission] }).returning();
    const holder = await seedUser(t.handle, { profile: 'external', roleIds: [role!.id] });
    callers.push({ name: `external with ${permission}`, headers: await session(holder.email), profile: 'external', permissions: new Set([permission]) });
  }
  callers.push({ name: 'admin', headers: await session(admin.email), profile: 'member', permissions: new Set(ALL_PERMISSIONS) });
  // Self-linking single sign-on is the administrator's switch (seed 002); on here, so the route is reachable at all.
  await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: callers.at(-1)!.headers, payload: { sso: { linkHint: true } } });
  doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
}, 180_000);
afterAll(() => t.close());

const requestFor = (op: Operation) => {
  const rule = RULES[op.key];
  const body = rule && 'body' in rule ? rule.body : op.body ? sampleOf(doc, op.body) : undefined;
  const required = op.queryParams.filter((p) => p.required).map((p) => `${p.name}=${encodeURIComponent(String(sampleOf(doc, p.schema)))}`);
  return {
    method: op.method as 'GET',
    url: `${urlOf(op, () => randomUUID())}${required.length ? `?${required.join('&')}` : ''}`,
    ...(body === undefined ? {} : { payload: body as object }),
    ...(op.otherMediaTypes.includes('text/csv') ? { payload: 'name,email,username\n', headers: { 'content-type': 'text/csv' } } : {}),
  };
};

describe('the authorization matrix', () => {
  it('has a row for every operation of the OpenAPI document, and none for operations that are gone', () => {
    const keys = operationsOf(doc).map((op) => op.key);
    expect(keys.filter((k) => !(k in RULES))).toEqual([]);
    expect(Object.keys(RULES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('matches the document: exactly the operations that need a caller say so', () => {
    const mismatched = operationsOf(doc).filter((op) => RULES[op.key] && op.protected === 'public' in RULES[op.key]!);
    expect(mismatched.map((op) => op.key)).toEqual([]);
  });

  it('lets every caller do exactly what the table says, and External callers never see anyone else', async () => {
    const wrong: string[] = [];
    for (const caller of callers) {
      for (const op of operationsOf(doc)) {
        const rule = RULES[op.key];
        if (!rule || 'public' in rule) continue;
        const request = requestFor(op);
        const res = await t.app.inject({ ...request, headers: { ...caller.headers, ...('headers' in request ? request.headers : {}) } });
        const refused = res.statusCode === 401 || res.statusCode === 403;
        const expected = mayCall(rule, caller);
        if (refused === expected) wrong.push(`${caller.name} ${op.key}: ${res.statusCode} ${res.body.slice(0, 160)}`);
        if (caller.profile === 'external' && (res.body.includes(bystander.name) || res.body.includes(bystander.email))) {
          wrong.push(`${caller.name} ${op.key}: shows another person: ${res.body.slice(0, 160)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
