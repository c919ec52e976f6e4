import {
  authorize,
  authorizeGrant,
  groupsByIds,
  permissionsOf,
  rolesByIds,
  type Actor,
  type UserProfile,
} from '../accounts/index.js';
import type { AuditContext } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { disableUser, enableUser, profileChangeRefused, updateUser, type Outcome } from './admin.js';

export const BULK_MAX_USERS = 500;

export type BulkAction =
  | { type: 'add_role' | 'remove_role'; roleId: string }
  | { type: 'add_group' | 'remove_group'; groupId: string }
  | { type: 'disable' | 'enable' }
  | { type: 'set_profile'; profile: UserProfile };

export interface BulkResult {
  userId: string;
  outcome: 'applied' | 'skipped' | 'failed';
  /** An error code for `failed`; why nothing changed for `skipped`. */
  reason?: string;
}

const without = (ids: string[], id: string) => ids.filter((x) => x !== id);
const withId = (ids: string[], id: string) => [...new Set([...ids, id])];

/**
 * One change applied to many users. Each user's change is its own transaction under exactly the rules of the single
 * action (permissions, the last-administrator guard, row locks), so one refusal never undoes the others; every user
 * gets one result. What the whole request cannot do (a missing permission, an unknown role) is refused up front.
 */
export async function applyBulkAction(
  db: Database,
  context: () => AuditContext,
  actor: Actor,
  userIds: string[],
  action: BulkAction,
  config: Config,
): Promise<BulkResult[]> {
  const apply = await prepare(db, actor, action, config);
  const results: BulkResult[] = [];
  for (const userId of [...new Set(userIds)]) {
    try {
      const { changed, reason } = await apply(context(), userId);
      results.push(changed ? { userId, outcome: 'applied' } : { userId, outcome: 'skipped', reason: reason ?? 'unchanged' });
    } catch (error) {
      if (!(error instanceof FoyerError)) throw error;
      results.push({ userId, outcome: 'failed', reason: error.code });
    }
  }
  return results;
}

type Apply = (context: AuditContext, userId: string) => Promise<Outcome & { reason?: string }>;

async function prepare(db: Database, actor: Actor, action: BulkAction, config: Config): Promise<Apply> {
  authorize(actor, 'users.update');
  switch (action.type) {
    case 'add_role':
    case 'remove_role': {
      const [role] = await rolesByIds(db, [action.roleId], 'action.roleId');
      authorizeGrant(actor, role!.permissions);
      const next = action.type === 'add_role' ? withId : without;
      return (context, userId) => updateUser(db, context, actor, userId, (current) => ({ roleIds: next(current.roleIds, role!.id) }), config);
    }
    case 'add_group':
    case 'remove_group': {
      const [group] = await groupsByIds(db, [action.groupId], 'action.groupId');
      authorizeGrant(actor, permissionsOf(group!.roles));
      const next = action.type === 'add_group' ? withId : without;
      return (context, userId) => updateUser(db, context, actor, userId, (current) => ({ groupIds: next(current.groupIds, group!.id) }), config);
    }
    case 'disable':
      return (context, userId) => disableUser(db, context, actor, userId, config);
    case 'enable':
      return (context, userId) => enableUser(db, context, actor, userId);
    case 'set_profile': {
      // Nobody may become External; External users are reported as skipped rather than failing the request.
      if (action.profile === 'external') throw profileChangeRefused();
      return async (context, userId) => {
        let external = false;
        const outcome = await updateUser(db, context, actor, userId, (current) => {
          external = current.profile === 'external';
          return external ? {} : { profile: action.profile };
        }, config);
        return external ? { ...outcome, reason: 'profile_change_refused' } : outcome;
      };
    }
  }
}
