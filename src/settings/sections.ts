import type { z } from 'zod';
import type { AuditContext } from '../audit/index.js';
import type { Database } from '../platform/db.js';
import type { AppDeps } from '../platform/http.js';
import type { Permission } from '../accounts/index.js';

/**
 * One part of `GET/PATCH /api/v1/admin/settings`: a top-level field with its own schemas, storage and permission.
 * A feature adds its settings by writing a section and listing it in ./routes.ts.
 */
export interface SettingsSection<V extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> {
  field: string;
  permission: Permission;
  /**
   * The section decides where other people's mail or text messages go (an SMTP server, an SMS webhook): pointing it
   * at a server of one's own reads everyone's sign-in links, so External users may never change it (seed 003).
   */
  routesPeoplesMessages?: boolean;
  /** What GET answers; secrets appear only as "is set" flags. */
  view: V;
  /** What PATCH accepts for this field. */
  patch: P;
  read(db: Database, deps: AppDeps): Promise<z.output<V>>;
  /** Runs inside the PATCH transaction; must audit through `writeSettings` or `recordAudit`. */
  write(tx: Database, context: AuditContext, value: z.output<P>, deps: AppDeps): Promise<void>;
}

/** Checks a section against its own schemas, then lets the registry hold sections of different shapes. */
export const defineSettingsSection = <V extends z.ZodType, P extends z.ZodType>(section: SettingsSection<V, P>) =>
  section as unknown as SettingsSection;
