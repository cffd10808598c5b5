import express from 'express';
import { sharedCache } from '../cache-budget.js';
import { accessLog } from './access-log.js';
import { createContext, type AppOptions } from './context.js';
import { errorHandler } from './error-handler.js';
import { HttpError } from './http.js';
import type { Library } from './library.js';
import { apiRoutes } from './routes/api.js';
import { assetRoutes } from './routes/assets.js';
import { catalogRoutes } from './routes/catalog.js';
import { contentRoutes } from './routes/content.js';
import { pageRoutes } from './routes/pages.js';
import { securityHeaders } from './security-headers.js';

export { HttpError } from './http.js';

/** The express app for a library, without listening: tests mount it, `ferry serve` listens. */
export function createApp(library: Library, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const context = createContext(library, options);
  if (options.accessLog) app.use(accessLog(options.accessLog));
  app.use(securityHeaders);
  // The server only reads: anything but GET and HEAD is refused before any route sees it.
  app.use((request, response, next) => {
    if (request.method === 'GET' || request.method === 'HEAD') return next();
    response.setHeader('Allow', 'GET, HEAD');
    next(new HttpError(405, 'This server is read-only.'));
  });
  // For a service manager or a monitor: answers at once, opening no bundle.
  app.get('/healthz', (_request, response) => {
    response.setHeader('Cache-Control', 'no-store');
    response.json({
      status: 'ok',
      bundles: library.list().length,
      openBundles: library.openCount,
      cache: { bytes: sharedCache.bytes, maxBytes: sharedCache.maxBytes },
      memory: process.memoryUsage(),
    });
  });
  assetRoutes(app, context);
  contentRoutes(app, context);
  pageRoutes(app, context);
  apiRoutes(app, context);
  catalogRoutes(app, context);

  app.use(() => {
    throw new HttpError(404, 'There is nothing at this address.');
  });

  app.use(errorHandler(context));
  return app;
}
