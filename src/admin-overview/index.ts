/** The administrator's home: it only reads other features, and nothing uses it but the composition root. */
export { adminOverviewRoutes } from './routes.js';
