import { systemContext } from '../audit/index.js';
import { issueSetPasswordLink } from '../auth/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { builtinRoleId, createUser } from '../accounts/index.js';

/** Recovery path for operators: a new administrator with no password, and the one-time link that sets it. */
export async function createAdminWithSetPasswordLink(
  db: Database,
  config: Config,
  input: { email: string; name: string; username: string },
): Promise<string> {
  return db.transaction(async (tx) => {
    const context = systemContext();
    const admin = await createUser(tx, context, { ...input, roleIds: [await builtinRoleId(tx, 'admin')] }, config);
    return issueSetPasswordLink(tx, config, admin.id, context.now);
  });
}
