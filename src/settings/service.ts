import { eq, inArray, max, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { preparedQuery, type Database } from '../platform/db.js';
import { instanceSettings } from './schema.js';

const settingsRow = preparedQuery('foyer_read_settings', (db, name) =>
  db
    .select({ value: instanceSettings.value })
    .from(instanceSettings)
    .where(eq(instanceSettings.key, sql.placeholder('key')))
    .prepare(name),
);

/**
 * Reads one settings area. The schema's defaults fill anything never saved, so a new setting needs no migration.
 */
export async function readSettings<S extends z.ZodType>(db: Database, key: string, schema: S): Promise<z.output<S>> {
  const [row] = await settingsRow(db).execute({ key });
  return schema.parse(row?.value ?? {});
}

/** Replaces one settings area and records what changed (never the values of secrets: name them in `secretFields`). */
export async function writeSettings<S extends z.ZodType>(
  db: Database,
  context: AuditContext,
  key: string,
  schema: S,
  value: z.input<S>,
  secretFields: readonly string[] = [],
): Promise<z.output<S>> {
  const parsed = schema.parse(value) as Record<string, unknown>;
  const before = (await readSettings(db, key, schema)) as Record<string, unknown>;
  await db
    .insert(instanceSettings)
    .values({ key, value: parsed, updatedAt: context.now, updatedBy: context.actorId })
    .onConflictDoUpdate({
      target: instanceSettings.key,
      set: { value: sql`excluded.value`, updatedAt: context.now, updatedBy: context.actorId },
    });
  const changed = Object.keys(parsed).filter((k) => JSON.stringify(parsed[k]) !== JSON.stringify(before[k]));
  if (changed.length > 0) {
    const details = Object.fromEntries(
      changed.map((k) => [k, secretFields.includes(k) ? { changed: true } : { from: before[k] ?? null, to: parsed[k] }]),
    );
    await recordAudit(db, context, { action: 'settings.updated', targetType: 'settings', targetId: key, details });
  }
  return parsed as z.output<S>;
}

/**
 * When any of these settings areas was last saved from the console, or null if never: saving counts even when
 * nothing changed, because it shows someone looked at the area and chose its values.
 */
export async function settingsSavedAt(db: Database, keys: readonly string[]): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(instanceSettings.updatedAt) })
    .from(instanceSettings)
    .where(inArray(instanceSettings.key, [...keys]));
  return row?.at ?? null;
}
