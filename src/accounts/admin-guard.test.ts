import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupMembers, groupRoles, groups, userRoles, users } from './schema.js';
import { createTestDatabase, seedUser } from '../../test/support.js';
import type { DatabaseHandle } from '../platform/db.js';
import { builtinRoleId } from './builtin-roles.js';
import { activeAdminExists, withAdminGuard } from './admin-guard.js';

let handle: DatabaseHandle;
beforeEach(async () => {
  handle = await createTestDatabase();
});
afterEach(() => handle.close());

const disable = (id: string) => (tx: DatabaseHandle['db']) => tx.update(users).set({ status: 'disabled' }).where(eq(users.id, id));

describe('last administrator guard', () => {
  it('refuses a change that leaves no active administrator and undoes it', async () => {
    const admin = await seedUser(handle, { roles: ['admin'] });
    await expect(withAdminGuard(handle.db, disable(admin.id))).rejects.toMatchObject({ status: 409, code: 'last_admin' });
    const [row] = await handle.db.select().from(users).where(eq(users.id, admin.id));
    expect(row!.status).toBe('active');
  });

  it('lets exactly one of two concurrent demotions through', async () => {
    const a = await seedUser(handle, { roles: ['admin'] });
    const b = await seedUser(handle, { roles: ['admin'] });
    const adminRole = await builtinRoleId(handle.db, 'admin');
    const demote = (id: string) => (tx: DatabaseHandle['db']) =>
      tx.delete(userRoles).where(and(eq(userRoles.userId, id), eq(userRoles.roleId, adminRole)));
    const outcomes = await Promise.allSettled([withAdminGuard(handle.db, demote(a.id)), withAdminGuard(handle.db, demote(b.id))]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(await activeAdminExists(handle.db)).toBe(true);
  });

  it('counts administrators through groups and ignores disabled or deleted ones', async () => {
    const viaGroup = await seedUser(handle);
    const now = new Date();
    const [group] = await handle.db.insert(groups).values({ name: 'Admins', createdAt: now, updatedAt: now }).returning();
    await handle.db.insert(groupRoles).values({ groupId: group!.id, roleId: await builtinRoleId(handle.db, 'admin') });
    await handle.db.insert(groupMembers).values({ groupId: group!.id, userId: viaGroup.id, addedAt: now });
    expect(await activeAdminExists(handle.db)).toBe(true);
    await handle.db.update(users).set({ deletedAt: now }).where(eq(users.id, viaGroup.id));
    expect(await activeAdminExists(handle.db)).toBe(false);
  });
});
