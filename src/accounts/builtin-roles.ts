import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { BUILTIN_ROLES } from './catalogue.js';
import { roles } from './schema.js';

/**
 * Brings the built-in roles in line with the catalogue in code. Idempotent, so every instance may run it at start;
 * this is how Admin gains permissions that a new release adds.
 */
export async function syncBuiltinRoles(db: Database): Promise<void> {
  for (const role of BUILTIN_ROLES) {
    await db
      .insert(roles)
      .values({ builtinKey: role.key, name: role.name, description: role.description, permissions: [...role.permissions] })
      .onConflictDoUpdate({
        target: roles.builtinKey,
        set: { permissions: sql`excluded.permissions`, description: sql`excluded.description` },
      });
  }
}

export async function builtinRoleId(db: Database, key: string): Promise<string> {
  const [row] = await db.select({ id: roles.id }).from(roles).where(sql`${roles.builtinKey} = ${key}`);
  if (!row) throw new Error(`built-in role ${key} is missing: was the database prepared?`);
  return row.id;
}
