import { sql } from 'drizzle-orm';
import { accountRoutes } from './account/routes.js';
import { accessRequestRoutes } from './access-requests/routes.js';
import { adminOverviewRoutes } from './admin-overview/index.js';
import { apiTokenRoutes } from './api-tokens/routes.js';
import { appsFeature } from './apps/index.js';
import { auditRoutes } from './audit/routes.js';
import { backupRoutes } from './backup/routes.js';
import { passwordRoutes } from './auth/passwords/routes.js';
import { mfaRoutes } from './auth/mfa/routes.js';
import { installActorResolution } from './auth/request.js';
import { sessionRoutes } from './auth/sessions/routes.js';
import { throttlingRoutes } from './auth/throttling/routes.js';
import { signInOptionsRoutes } from './auth/sign-in-options.js';
import { passkeyRoutes } from './auth/passkeys/routes.js';
import { sessionListRoutes } from './auth/sessions/session-list-routes.js';
import { groupRoutes } from './groups/routes.js';
import { homeRoutes } from './home/index.js';
import { emailVerificationRoutes } from './email-verification/routes.js';
import { invitationRoutes } from './invitations/routes.js';
import { loginLinkRoutes } from './login-links/routes.js';
import { signupLinkRoutes } from './signup-links/routes.js';
import type { DatabaseHandle } from './platform/db.js';
import { FoyerError } from './platform/errors.js';
import { createHttpServer, type AppDeps, type FoyerApp } from './platform/http.js';
import { syncBuiltinRoles } from './accounts/index.js';
import { permissionRoutes, roleRoutes } from './roles/routes.js';
import { setupRoutes } from './setup/routes.js';
import { mailRoutes } from './mail/routes.js';
import { metricsRoutes } from './metrics/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { settingsRoutes } from './settings/routes.js';
import { ssoRoutes } from './sso/routes.js';
import { userImportRoutes } from './users/import/routes.js';
import { adminUserRoutes } from './users/routes.js';
import { verifiedInvitationRoutes } from './verified-invitations/routes.js';

/** Every feature's routes, in one place so the whole API surface is visible at a glance. */
export function buildApp(deps: AppDeps): Promise<FoyerApp> {
  return createHttpServer(deps.config, deps.logStream, (app) => {
    metricsRoutes(app, deps);
    installActorResolution(app, deps);
    app.get('/readyz', { schema: { hide: true } }, async () => {
      try {
        await deps.db.execute(sql`select 1`);
      } catch {
        throw new FoyerError(503, 'database_unavailable', 'The database does not answer.');
      }
      return { status: 'ready' };
    });
    setupRoutes(app, deps);
    sessionRoutes(app, deps);
    accountRoutes(app, deps);
    signInOptionsRoutes(app, deps);
    passkeyRoutes(app, deps);
    sessionListRoutes(app, deps);
    passwordRoutes(app, deps);
    mfaRoutes(app, deps);
    throttlingRoutes(app, deps);
    adminUserRoutes(app, deps);
    userImportRoutes(app, deps);
    permissionRoutes(app);
    roleRoutes(app, deps);
    groupRoutes(app, deps);
    signupLinkRoutes(app, deps);
    invitationRoutes(app, deps);
    loginLinkRoutes(app, deps);
    emailVerificationRoutes(app, deps);
    apiTokenRoutes(app, deps);
    auditRoutes(app, deps);
    backupRoutes(app, deps);
    settingsRoutes(app, deps);
    ssoRoutes(app, deps);
    mailRoutes(app, deps);
    notificationRoutes(app, deps);
    verifiedInvitationRoutes(app, deps);
    accessRequestRoutes(app, deps);
    appsFeature(app, deps);
    homeRoutes(app, deps);
    adminOverviewRoutes(app, deps);
  });
}

/** Schema migrations plus the data the code declares (built-in roles). Safe to run on every start. */
export async function prepareDatabase(handle: DatabaseHandle): Promise<void> {
  await handle.migrate();
  await syncBuiltinRoles(handle.db);
}
