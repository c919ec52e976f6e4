import { z } from 'zod';

/**
 * The allowed email domains as `PATCH /api/v1/admin/settings` accepts them, shared with the console's form (web
 * imports this file as `@foyer-fields/settings`). It imports only zod, which the boundary lint checks.
 */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Accepts what people paste (`@Example.COM `) and keeps the canonical form. */
export const allowedDomainsInput = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .transform((d) => d.replace(/^@/, ''))
      .pipe(z.string().regex(DOMAIN, { message: 'Enter a domain such as example.com.' })),
  )
  .max(500, 'List at most 500 domains.')
  .transform((domains) => [...new Set(domains)].sort());

/**
 * The form shows the domains as one list of tags, so the API's refusals of single entries (`allowedDomains.<n>`)
 * become one sentence on the list that names them, in the order they were typed.
 */
export const allowedDomainsForm = z.object({
  allowedDomains: z.array(z.string()).superRefine((domains, ctx) => {
    const result = allowedDomainsInput.safeParse(domains);
    if (result.success) return;
    const refused = result.error.issues.flatMap((issue) => (typeof issue.path[0] === 'number' ? [domains[issue.path[0]]] : []));
    const listLevel = result.error.issues.find((issue) => issue.path.length === 0);
    ctx.addIssue({ code: 'custom', message: refused.length > 0 ? notDomains(refused as string[]) : listLevel!.message });
  }),
});

/** The sentence for entries that are not domains, also used for the server's own refusal. */
export const notDomains = (entries: string[]) => `Not a domain: ${entries.join(', ')}. Enter domains such as example.com.`;
