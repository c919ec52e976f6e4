import { z } from 'zod';
import { auditContext, mfaSettingsSection, passwordSettingsSection, requireActor } from '../auth/index.js';
import { authorize, authorizeSeeingPeople } from '../accounts/index.js';
import { registrationSettingsSection } from '../access-requests/index.js';
import { invitationSettingsSection } from '../invitations/index.js';
import { mailSettingsSection } from '../mail/index.js';
import { forbidden } from '../platform/errors.js';
import { ssoSettingsSection } from '../sso/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { allowedDomainsSection } from './allowed-domains.js';
import type { SettingsSection } from './sections.js';

/** Every part of the instance settings. A feature with settings of its own adds its section here. */
const SECTIONS: readonly SettingsSection[] = [allowedDomainsSection, mailSettingsSection, registrationSettingsSection, passwordSettingsSection, ssoSettingsSection, mfaSettingsSection, invitationSettingsSection];

export function settingsRoutes(app: FoyerApp, deps: AppDeps, sections: readonly SettingsSection[] = SECTIONS): void {
  const view = z.object(Object.fromEntries(sections.map((s) => [s.field, s.view.optional()]))).meta({ id: 'Settings' });
  const patch = z.object(Object.fromEntries(sections.map((s) => [s.field, s.patch.optional()])));

  /** The sections this person may see; GET shows only those, so a partial settings manager sees a partial page. */
  const readable = (request: Parameters<typeof requireActor>[0]) => {
    const actor = requireActor(request);
    const mine = sections.filter((s) => actor.permissions.has(s.permission));
    if (mine.length === 0) throw forbidden();
    return mine;
  };
  const read = async (mine: readonly SettingsSection[]) =>
    Object.fromEntries(await Promise.all(mine.map(async (s) => [s.field, await s.read(deps.db, deps)] as const)));

  app.get(
    '/api/v1/admin/settings',
    {
      schema: {
        tags: ['Settings'],
        summary: 'Instance settings (needs settings.manage); secrets appear only as "is set" flags',
        response: { 200: view, ...errorResponses(401, 403) },
      },
    },
    async (request) => read(readable(request)),
  );

  app.patch(
    '/api/v1/admin/settings',
    {
      schema: {
        tags: ['Settings'],
        summary: 'Change instance settings: send only the sections (and, within mail, the fields) to change',
        body: patch,
        response: { 200: view, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const mine = readable(request);
      const actor = requireActor(request);
      const body = request.body as Record<string, unknown>;
      const changing = sections.filter((s) => body[s.field] !== undefined);
      for (const section of changing) {
        authorize(actor, section.permission);
        if (section.routesPeoplesMessages) authorizeSeeingPeople(actor);
      }
      const context = auditContext(request);
      await deps.db.transaction(async (tx) => {
        for (const section of changing) await section.write(tx, context, body[section.field], deps);
      });
      return read(mine);
    },
  );
}
