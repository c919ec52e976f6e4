import './lifecycle.js';
import type { AppDeps, FoyerApp } from '../platform/http.js';
import { appRoutes } from './routes.js';

/** Apps: the admin and personal API. Importing this module registers the apps' access holder and membership listener. */
export function appsFeature(app: FoyerApp, deps: AppDeps): void {
  appRoutes(app, deps);
}
