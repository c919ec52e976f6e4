import { groupsOfUsers, rolesOfGroups, type Actor, type GroupRef, type RoleRef } from '../accounts/index.js';
import { confirmedMethodsOf, countPasskeys } from '../auth/index.js';
import type { Database } from '../platform/db.js';

export const NEXT_STEPS = ['verify_email', 'add_passkey', 'add_second_passkey', 'turn_on_two_factor'] as const;
export type NextStep = (typeof NEXT_STEPS)[number];

export interface HeldRole extends RoleRef {
  /** Given to the person themselves, not through a group. */
  direct: boolean;
  /** The groups of theirs that carry it. */
  groups: GroupRef[];
}

export interface Home {
  groups: GroupRef[];
  roles: HeldRole[];
  security: { emailVerified: boolean; passkeys: number; secondFactors: string[]; nextSteps: NextStep[] };
}

/** Each role the person holds with where it comes from: held directly, from groups, or both. */
async function heldRoles(db: Database, direct: RoleRef[], groups: GroupRef[]): Promise<HeldRole[]> {
  const byId = new Map<string, HeldRole>(direct.map((r) => [r.id, { ...r, direct: true, groups: [] }]));
  const carried = await rolesOfGroups(db, groups.map((g) => g.id));
  for (const group of groups) {
    for (const role of carried.get(group.id) ?? []) {
      const held = byId.get(role.id) ?? { id: role.id, name: role.name, direct: false, groups: [] };
      held.groups.push({ id: group.id, name: group.name });
      byId.set(role.id, held);
    }
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What would make the account safer, most urgent first: an unconfirmed address cannot receive a recovery link, and
 * one passkey lost with its device leaves only the password (or nothing).
 */
export function nextSteps(security: { emailVerified: boolean; passkeys: number; secondFactors: string[]; twoFactorAllowed: boolean }): NextStep[] {
  const steps: NextStep[] = [];
  if (!security.emailVerified) steps.push('verify_email');
  if (security.passkeys === 0) steps.push('add_passkey');
  if (security.passkeys === 1) steps.push('add_second_passkey');
  if (security.secondFactors.length === 0 && security.twoFactorAllowed) steps.push('turn_on_two_factor');
  return steps;
}

/** The person's home: their groups, the roles they hold and why, and how well their account is protected. */
export async function loadHome(db: Database, actor: Actor, twoFactorAllowed: boolean): Promise<Home> {
  const userId = actor.user.id;
  const groups = (await groupsOfUsers(db, [userId])).get(userId) ?? [];
  const [roles, passkeys, methods] = await Promise.all([
    heldRoles(db, actor.user.roles, groups),
    countPasskeys(db, userId),
    confirmedMethodsOf(db, userId),
  ]);
  const emailVerified = actor.user.emailVerifiedAt !== null;
  const secondFactors = methods.map((m) => m.kind);
  return {
    groups,
    roles,
    security: { emailVerified, passkeys, secondFactors, nextSteps: nextSteps({ emailVerified, passkeys, secondFactors, twoFactorAllowed }) },
  };
}
