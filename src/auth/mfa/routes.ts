import type { AppDeps, FoyerApp } from '../../platform/http.js';
import { challengeRoutes } from './challenge-routes.js';
import { enrolmentRoutes } from './enrolment-routes.js';
import { reauthenticationRoutes } from '../reauthentication.js';
import { adminRecoveryCodeRoutes, ownRecoveryCodeRoutes } from './recovery-code-routes.js';

/** Two-factor over HTTP. The order is the API document's order (web/src/api/schema.d.ts is generated from it). */
export function mfaRoutes(app: FoyerApp, deps: AppDeps): void {
  challengeRoutes(app, deps);
  enrolmentRoutes(app, deps);
  ownRecoveryCodeRoutes(app, deps);
  reauthenticationRoutes(app, deps);
  adminRecoveryCodeRoutes(app, deps);
}
