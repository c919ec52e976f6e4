import { sql, type SQL } from 'drizzle-orm';
import { groupMembers, userRoles, users } from './schema.js';

/**
 * The accounts part of one statement that creates a whole batch (the CSV import, src/users/import). It reads a CTE
 * named `input` with columns (id uuid, name text, email text, username text, role_ids uuid[], group_ids uuid[]) and
 * defines `created` (the ids inserted) and `done` (their input rows), giving each its roles and groups. One statement
 * rather than a transaction: batches overlap on one connection, and it is all or nothing on its own.
 *
 * `conflicts: 'skip'` leaves out a row whose email or username is taken (ON CONFLICT DO NOTHING), with its roles and
 * groups; with `'fail'` the unique indexes are probed once, by the insert itself, and anyone existing fails the
 * whole statement. Rows are inserted in email order, so concurrent imports lock the unique index in the same order.
 */
export function accountBatchCtes(now: Date, conflicts: 'skip' | 'fail'): SQL {
  const at = now.toISOString();
  return sql`created as (
        insert into ${users} (id, name, email, username, profile, created_at, updated_at)
        select id, name, email, username, 'member', ${at}::timestamptz, ${at}::timestamptz from input order by lower(email)
        ${conflicts === 'skip' ? sql`on conflict do nothing` : sql``}
        returning id
      ),
      done as (select input.* from input join created using (id)),
      granted as (insert into ${userRoles} (user_id, role_id) select id, unnest(role_ids) from done),
      joined as (insert into ${groupMembers} (group_id, user_id, added_at) select unnest(group_ids), id, ${at}::timestamptz from done)`;
}
