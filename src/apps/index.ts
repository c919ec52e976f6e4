import './lifecycle.js';
import type { AppDeps, FoyerApp } from '../platform/http.js';
import { createEngine } from './provider/engine.js';
import { launchRoutes } from './launch.js';
import { interactionRoutes } from './provider/interactions.js';
import { mountEngine } from './provider/mount.js';
import { appRoutes } from './routes.js';

export { countApps } from './counts.js';
export { takeAppSignIn } from './sign-in-return.js';

/**
 * Apps: the admin and personal API, and Foyer as their OpenID Provider (the engine's endpoints and Foyer's own
 * sign-in and consent steps). Importing this module registers the apps' access holder and membership listener.
 */
export function appsFeature(app: FoyerApp, deps: AppDeps): void {
  const engine = createEngine(deps.db, deps.config);
  appRoutes(app, deps);
  interactionRoutes(app, deps, engine);
  launchRoutes(app, deps);
  mountEngine(app, engine);
}
