// RED metrics for the HTTP API: rate and errors by status, duration by route. The route is the matched
// pattern (`/v1/envelopes/:id`), never the raw path, so label cardinality stays bounded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsRegistry } from './metrics-registry';

interface RoutedRequest extends IncomingMessage {
  route?: { path?: string };
  baseUrl?: string;
}

export function httpMetricsMiddleware(metrics: MetricsRegistry) {
  const requests = metrics.counter('renkei_http_requests_total', 'HTTP requests by route and status', [
    'method',
    'route',
    'status_code',
  ]);
  const duration = metrics.histogram('renkei_http_request_duration_seconds', 'HTTP request duration', [
    'method',
    'route',
  ]);
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const routePath = req.route?.path;
      const route = routePath ? `${req.baseUrl ?? ''}${routePath}` : 'unmatched';
      const method = req.method ?? 'UNKNOWN';
      requests.inc({ method, route, status_code: String(res.statusCode) });
      duration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
