import { z } from 'zod';
import { auditContext } from '../auth/index.js';
import { recordAudit } from '../audit/index.js';
import { FoyerError } from '../platform/errors.js';
import type { AppDeps, FoyerApp } from '../platform/http.js';
import { accessReason } from './access.js';
import { cannotOpenPage, PAGE_CSP } from './provider/pages.js';
import { getApp } from './service.js';

/**
 * Opening an app from Foyer (home tiles, a link an administrator shares): `/apps/<id>/open` checks access first.
 *
 * When Foyer says "no" itself, and when it tells the app. An app that started a sign-in (its authorization request
 * reached the engine) is waiting for the answer with its `state`; the engine has already matched its `redirect_uri`
 * against the registered ones (an unregistered one never reaches the access check: the engine's error page explains
 * it), so the browser can always go back, and the app gets `error=access_denied` there, as OAuth asks: it must learn
 * the outcome, and may offer something else. A launch from Foyer has no request and no app waiting, so there is no
 * redirect to make: Foyer answers with its own page, naming the administrator action that would let the person in.
 * The same holds for a finished app sign-in opened again (Back), answered by `signInEndedPage`.
 */
export function launchRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get('/apps/:id/open', { schema: { hide: true, params: z.object({ id: z.string().max(100) }) } }, async (request, reply) => {
    const page = (status: number, html: string) =>
      reply.status(status).header('cache-control', 'no-store').header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(html);
    const found = await getApp(deps.db, request.params.id).catch((error: unknown) => {
      if (error instanceof FoyerError && error.status === 404) return null;
      throw error;
    });
    if (!found) return page(404, cannotOpenPage(null));
    const actor = request.actor?.via === 'session' ? request.actor : null;
    // Not signed in to Foyer: the app itself asks Foyer to sign the person in, and so hears any refusal itself.
    if (!actor) return reply.redirect(found.launchUrl ?? '/login', 303);
    const { allowed } = await accessReason(deps.db, found.id, actor.user.id);
    // Allowed: the app's address, or (none set, so no tile shows it either) the home page.
    if (allowed) return reply.redirect(found.launchUrl ?? '/', 303);
    await recordAudit(deps.db, auditContext(request), {
      action: 'app.access_denied',
      targetType: 'app',
      targetId: found.id,
      details: { userId: actor.user.id, via: 'launch' },
    });
    const groups = actor.user.profile === 'external' ? null : found.groups;
    return page(403, cannotOpenPage({ name: found.name, groups, everyone: found.accessEveryone }));
  });
}
