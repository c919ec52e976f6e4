/** The person's home: it only reads other features, and nothing uses it but the composition root. */
export { homeRoutes } from './routes.js';
