import type { Express } from 'express';
import { ILLUSTRATION_NAME } from '../../bundle/names.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http.js';
import { bundleVersion } from '../pages/layout.js';
import { acceptsGzip, sendEntry } from '../send-entry.js';

/** The viewer's own script and style, and each bundle's illustration. */
export function assetRoutes(app: Express, context: AppContext): void {
  app.get('/_ferry/:file', (request, response) => {
    const asset = context.assets.get(request.params.file);
    if (!asset) throw new HttpError(404, 'No such file.');
    response.setHeader('Content-Type', asset.type);
    response.setHeader('ETag', asset.etag);
    response.setHeader('Vary', 'Accept-Encoding');
    // Pages link these with their fingerprint (?v=…): such a URL never changes content.
    const fingerprinted = request.query.v === context.assetVersions[request.params.file];
    response.setHeader('Cache-Control', fingerprinted ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return void response.status(304).end();
    const gzip = acceptsGzip(request);
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.end(gzip ? asset.gzip : asset.body);
  });

  app.get('/_ferry/illustration/:bundle', async (request, response) => {
    const item = await context.bundleOf(request.params.bundle, response);
    const record = await item.bundle.resolve(ILLUSTRATION_NAME);
    if (!record) throw new HttpError(404, 'This bundle has no illustration.');
    const immutable = request.query.v === bundleVersion(item);
    await sendEntry(request, response, item.bundle, record, context.cache, { immutable });
  });
}
