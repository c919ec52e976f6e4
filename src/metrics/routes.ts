import { createHash, timingSafeEqual } from 'node:crypto';
import { auditObserver } from '../audit/index.js';
import { FoyerError } from '../platform/errors.js';
import type { AppDeps, FoyerApp } from '../platform/http.js';
import { createMetrics, requestMetrics, type FoyerMetrics } from './metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `/metrics` in the Prometheus text format, for a scraper holding FOYER_METRICS_TOKEN. Without that variable the
 * path does not exist, and nothing is measured. Register before other routes: the hooks cover routes added after.
 */
export function metricsRoutes(app: FoyerApp, deps: AppDeps): FoyerMetrics | null {
  const token = deps.config.metricsToken;
  const metrics = token ? (deps.metrics ?? createMetrics(deps.db)) : null;
  if (metrics) installMeasurement(app, metrics);

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!metrics || !token) throw new FoyerError(404, 'not_found', 'There is nothing at this address.');
    const authorization = request.headers.authorization;
    if (!authorization?.startsWith('Bearer ')) {
      throw new FoyerError(401, 'unauthenticated', 'Send the metrics token as Authorization: Bearer <FOYER_METRICS_TOKEN>.', {
        headers: { 'www-authenticate': 'Bearer realm="foyer-metrics"' },
      });
    }
    if (!timingSafeEqual(digest(authorization.slice('Bearer '.length).trim()), digest(token))) {
      throw new FoyerError(403, 'forbidden', 'This is not the metrics token.');
    }
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(await metrics.registry.metrics());
  });
  return metrics;
}

function installMeasurement(app: FoyerApp, metrics: FoyerMetrics): void {
  // The request's async context is entered twice: reading the body runs in the socket's context, not the request's.
  const enter = (done: () => void) => requestMetrics.run(metrics, () => auditObserver.run(metrics.observeAudit, done));
  app.addHook('onRequest', (_request, _reply, done) => enter(done));
  app.addHook('preValidation', (_request, _reply, done) => enter(done));
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
