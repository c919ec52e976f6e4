import { sql } from 'drizzle-orm';
import { recordAudit, systemContext, type AuditContext } from '../audit/index.js';
import { completeSignIn, consumeOneTimeToken, hashNewPassword, isOneTimeTokenUsable, issueOneTimeToken } from '../auth/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { builtinRoleId, createUser, users } from '../accounts/index.js';

export const SETUP_LINK_TTL_MS = 60 * 60 * 1000;
// Serialises first-administrator creation across instances starting together.
const SETUP_LOCK_ID = 7_246_002;

const lockSetup = (db: Database) => db.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_ID})`);

export async function instanceHasUsers(db: Database): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).limit(1);
  return row !== undefined;
}

export type BootstrapOutcome =
  | { kind: 'already_set_up' }
  | { kind: 'admin_created'; userId: string }
  | { kind: 'setup_link'; url: string };

/**
 * Runs at every start. On an instance with no users it creates the administrator from the bootstrap variables,
 * or else issues a one-time setup link (valid one hour) for the operator to open. Once anyone exists it does nothing,
 * so the bootstrap variables can never create a second administrator.
 */
export async function bootstrapFirstAdmin(db: Database, config: Config, now = new Date()): Promise<BootstrapOutcome> {
  // Hashed before the transaction that holds the setup lock, even though it is then thrown away on a set-up instance.
  const bootstrap = config.bootstrapAdmin;
  const passwordHash = bootstrap ? await hashNewPassword(bootstrap.password) : undefined;
  return db.transaction(async (tx) => {
    await lockSetup(tx);
    if (await instanceHasUsers(tx)) return { kind: 'already_set_up' };
    const context = systemContext(now);
    if (bootstrap) {
      const { password: _hashed, ...details } = bootstrap;
      const admin = await createUser(tx, context, {
        ...details,
        passwordHash,
        roleIds: [await builtinRoleId(tx, 'admin')],
        emailVerified: true,
      }, config);
      await recordAudit(tx, context, { action: 'setup.bootstrap_admin_created', targetType: 'user', targetId: admin.id });
      return { kind: 'admin_created', userId: admin.id };
    }
    const token = await issueOneTimeToken(tx, { purpose: 'setup', userId: null, ttlMs: SETUP_LINK_TTL_MS, now });
    await recordAudit(tx, context, { action: 'setup.link_issued', details: { expiresAt: new Date(now.getTime() + SETUP_LINK_TTL_MS).toISOString() } });
    return { kind: 'setup_link', url: new URL(`/setup?token=${token}`, config.publicUrl).toString() };
  });
}

export interface SetupInput {
  token: string;
  name: string;
  email: string;
  username: string;
  password: string;
}

const setupComplete = () => new FoyerError(409, 'setup_complete', 'This instance is already set up. Sign in instead.');
const setupLinkInvalid = () =>
  new FoyerError(410, 'setup_link_invalid', 'This setup link has expired or was already used. Run `npm run foyer -- setup-link` (or restart Foyer) for a new one.');

/** What the setup page checks before showing its form, so a dead link gets its explanation instead of the form. */
export async function checkSetupLink(db: Database, token: string, now: Date): Promise<void> {
  if (await instanceHasUsers(db)) throw setupComplete();
  if (!(await isOneTimeTokenUsable(db, 'setup', token, now))) throw setupLinkInvalid();
}

/** Creates the first administrator through the setup link and signs them in like every other way in. */
export async function completeSetup(db: Database, context: AuditContext, input: SetupInput, config: Config) {
  const passwordHash = await hashNewPassword(input.password);
  return db.transaction(async (tx) => {
    await lockSetup(tx);
    if (await instanceHasUsers(tx)) {
      throw setupComplete();
    }
    const spent = await consumeOneTimeToken(tx, 'setup', input.token, context.now);
    if (!spent) {
      throw setupLinkInvalid();
    }
    const admin = await createUser(tx, context, {
      name: input.name,
      email: input.email,
      username: input.username,
      passwordHash,
      roleIds: [await builtinRoleId(tx, 'admin')],
      emailVerified: true,
    }, config);
    await recordAudit(tx, { ...context, actorType: 'user', actorId: admin.id }, { action: 'setup.completed', targetType: 'user', targetId: admin.id });
    return completeSignIn(tx, context, admin, { method: 'setup' });
  });
}
