import { z } from 'zod';

/**
 * The fields of a custom role as the API accepts them, shared with the console's role dialog (web imports this file
 * as `@foyer-fields/roles`). It imports only zod, which the boundary lint checks.
 */
export const roleFields = {
  name: z.string().trim().min(1, 'Give the role a name.').max(100, 'Keep the name to 100 characters.'),
  description: z.string().trim().max(500, 'Keep the description to 500 characters.'),
  permissions: z.array(z.string().max(100)).max(200, 'A role grants at most 200 permissions.'),
};

/** The role dialog: create and edit send the same three fields. */
export const roleForm = z.object(roleFields);
