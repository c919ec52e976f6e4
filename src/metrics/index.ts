/** What other features may use of metrics: counting what happens while they handle a request. */
export { appMetrics } from './metrics.js';
