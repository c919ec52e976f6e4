/**
 * Foyer's entry point. Tracing has to be in place before the HTTP server and the PostgreSQL driver are first
 * imported, so the OpenTelemetry SDK is loaded first, and only when OTEL_EXPORTER_OTLP_ENDPOINT is set; everything
 * else comes after it.
 */
const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? (await import('./platform/tracing.js')).startTracing() : null;
const { runCommand } = await import('./cli/commands.js');
await runCommand(process.argv.slice(2), tracing);
