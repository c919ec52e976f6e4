import { z } from 'zod';
import { groupRefSchema, roleRefSchema } from '../accounts/index.js';
import { readMfaSettings, requireActor } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { loadHome, NEXT_STEPS } from './service.js';

const homeSchema = z
  .object({
    groups: z.array(groupRefSchema).describe('The groups the person belongs to, by name'),
    roles: z
      .array(
        roleRefSchema.extend({
          direct: z.boolean().describe('Given to the person themselves'),
          groups: z.array(groupRefSchema).describe('Their groups that carry the role'),
        }),
      )
      .describe('Every role the person holds, directly or through groups'),
    security: z.object({
      emailVerified: z.boolean(),
      passkeys: z.number().int(),
      secondFactors: z.array(z.string()).describe('The kinds of second factor set up (totp, email, sms)'),
      nextSteps: z.array(z.enum(NEXT_STEPS)).describe('What would make the account safer, most urgent first'),
    }),
  })
  .meta({ id: 'MyHome' });

/** The person's home (`/` in the console). */
export function homeRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/me/home',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Your home: your groups, the roles you hold and where they come from, and what would make your account safer',
        response: { 200: homeSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { allowedMethods } = await readMfaSettings(deps.db);
      return loadHome(deps.db, actor, allowedMethods.length > 0);
    },
  );
}
