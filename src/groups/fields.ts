import { z } from 'zod';

/**
 * The fields of a group as the API accepts them, shared with the console's group dialog (web imports this file as
 * `@foyer-fields/groups`): the browser refuses what the server would, with the same sentence. It imports only zod,
 * which the boundary lint checks, so the console's bundle never pulls in server code.
 */
export const groupFields = {
  name: z.string().trim().min(1, 'Give the group a name.').max(100, 'Keep the name to 100 characters.'),
  description: z.string().trim().max(500, 'Keep the description to 500 characters.'),
  roleIds: z.array(z.string().max(64)).max(100, 'A group carries at most 100 roles.'),
};

/** The group dialog: create and edit send the same three fields. */
export const groupForm = z.object(groupFields);
