import { systemContext } from '../audit/record.js';
import { issueSetPasswordLink } from '../auth/passwords/set-password.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { builtinRoleId } from '../roles/builtin.js';
import { createUser } from '../users/service.js';

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
