import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../platform/db.js';

export interface AccessReason {
  everyone: boolean;
  /** The app's groups the person is a member of: each one alone lets them in. */
  groups: { id: string; name: string }[];
}

/**
 * The one access rule, as SQL over the `apps` row `a` and the user id `userId`: the person is active and not deleted,
 * and the app is open to everyone or names a group they belong to. Every check (sign-in, token use, listings, the
 * lifecycle sweeps) uses it, so no path can disagree about who may open an app.
 */
export const appAllowsUser = (userId: SQL | string): SQL => sql`(
  exists (select 1 from users u where u.id = ${userId}::uuid and u.status = 'active' and u.deleted_at is null)
  and (a.access_everyone or exists (
    select 1 from app_groups ag join group_members gm on gm.group_id = ag.group_id
    where ag.app_id = a.id and gm.user_id = ${userId}::uuid)))`;

const viaGroups = (userId: string): SQL => sql`coalesce((
  select json_agg(json_build_object('id', g.id, 'name', g.name) order by lower(g.name))
  from app_groups ag join group_members gm on gm.group_id = ag.group_id and gm.user_id = ${userId}::uuid
  join groups g on g.id = ag.group_id where ag.app_id = a.id), '[]'::json)`;

/** Both drivers answer raw SQL with `{rows}`; the Database type leaves the result untyped. */
export const rowsOf = async <T>(query: Promise<unknown>): Promise<T[]> => ((await query) as { rows: T[] }).rows;

export async function isAllowed(db: Database, clientId: string, userId: string): Promise<boolean> {
  const rows = await rowsOf<{ allowed: boolean }>(
    db.execute(sql`select ${appAllowsUser(userId)} as allowed from apps a where a.client_id = ${clientId}`),
  );
  return rows[0]?.allowed === true;
}

export interface OpenableApp {
  id: string;
  name: string;
  clientId: string;
  launchUrl: string | null;
  logoUrl: string | null;
  lastSignInAt: Date | null;
  consentedAt: Date | null;
  reason: AccessReason;
}

/** The apps this person may open now, newest-used first, each with why. */
export async function openableApps(db: Database, userId: string): Promise<OpenableApp[]> {
  const rows = await rowsOf<{
    id: string;
    name: string;
    client_id: string;
    launch_url: string | null;
    logo_url: string | null;
    last_sign_in_at: string | Date | null;
    consented_at: string | Date | null;
    access_everyone: boolean;
    groups: { id: string; name: string }[];
  }>(db.execute(sql`
    select a.id, a.name, a.client_id, a.launch_url, a.logo_url, a.access_everyone, auth.last_sign_in_at, auth.consented_at,
      ${viaGroups(userId)} as groups
    from apps a
    left join app_authorizations auth on auth.app_id = a.id and auth.user_id = ${userId}::uuid
    where ${appAllowsUser(userId)}
    order by auth.last_sign_in_at desc nulls last, lower(a.name), a.id`));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    clientId: r.client_id,
    launchUrl: r.launch_url,
    logoUrl: r.logo_url,
    lastSignInAt: r.last_sign_in_at ? new Date(r.last_sign_in_at) : null,
    consentedAt: r.consented_at ? new Date(r.consented_at) : null,
    reason: { everyone: r.access_everyone, groups: typeof r.groups === 'string' ? JSON.parse(r.groups) : r.groups },
  }));
}

/** Why this person may (or may not) open this app: the "Try it" panel and the sign-in refusal both say it. */
export async function accessReason(db: Database, appId: string, userId: string): Promise<AccessReason & { allowed: boolean }> {
  const [row] = await rowsOf<{ allowed: boolean; access_everyone: boolean; groups: unknown }>(db.execute(sql`
    select ${appAllowsUser(userId)} as allowed, a.access_everyone, ${viaGroups(userId)} as groups
    from apps a where a.id = ${appId}::uuid`));
  if (!row) return { allowed: false, everyone: false, groups: [] };
  const groups = (typeof row.groups === 'string' ? JSON.parse(row.groups) : row.groups) as AccessReason['groups'];
  return { allowed: row.allowed === true, everyone: row.access_everyone, groups };
}
