import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import type { Express, Request, Response } from 'express';
import { CONTENT_PREFIX } from '../../bundle/names.js';
import { SIDECARS } from '../../distribute/publish.js';
import type { AppContext } from '../context.js';
import type { LibraryBundle } from '../library-bundle.js';
import { sendBundleFile } from '../download.js';
import { DIRECTORY_SUFFIX } from '../../distribute/directory-fetch.js';
import { sendDirectory } from '../directory-download.js';
import { hash32 } from '../../search/term-hash.js';
import { entryPath, HttpError } from '../http.js';
import { bundleVersion, contentUrl, viewerUrl } from '../pages/layout.js';
import { SIDECAR_TYPES, sidecarRequest } from '../published-files.js';
import { sendEntry } from '../send-entry.js';
import { ownDownloadUrl, withOwnUrl } from '../metalink-self.js';

/**
 * A page may load and fetch only its own bundle's files (inline code and data: URLs included,
 * as saved sites need them), nothing from another bundle, the API or the internet. No eval: no
 * page of Sphinx, Doxygen or Javadoc sites needs it (`npm run bench:content-eval`).
 */
function contentPolicy(request: Request, bundle: string): string {
  const host = request.headers.host ?? '';
  const own = /^[a-z0-9.:[\]-]+$/i.test(host)
    ? `${request.protocol}://${host}/content/${encodeURIComponent(bundle)}/`
    : "'self'";
  const sources = `${own} 'unsafe-inline' data: blob:`;
  return `default-src ${sources}; form-action ${own}; base-uri ${own}; frame-ancestors 'self'`;
}

/**
 * The .meta4 ferry publish wrote beside a bundle, unless it is of another edition (older than the
 * bundle, or of another size): that one would have every client refuse every source.
 */
async function publishedMetalink(path: string, item: LibraryBundle): Promise<string | undefined> {
  const [written, bundle] = await Promise.all([
    stat(path).catch(() => undefined),
    stat(item.file).catch(() => undefined),
  ]);
  if (!written || (bundle && written.mtimeMs < bundle.mtimeMs)) return undefined;
  const xml = await readFile(path, 'utf8');
  return Number(/<size>(\d+)<\/size>/.exec(xml)?.[1]) === item.bytes ? xml : undefined;
}

/**
 * A bundle's Metalink with this server added as a source: the one ferry publish wrote, or one
 * made from the bundle's bytes when it was not published (503 while that is being made).
 */
async function sendMetalink(context: AppContext, request: Request, response: Response, name: string): Promise<void> {
  const item = await context.bundleOf(name, response);
  const path = item.file + SIDECARS.meta4;
  let xml = await publishedMetalink(path, item);
  if (xml === undefined) {
    xml = await context.metalinks.get(item);
    if (xml === undefined) {
      response.setHeader('Retry-After', '30');
      throw new HttpError(503, `The Metalink of ${name} is being made from its bytes; ask again in a moment.`);
    }
  }
  const own = ownDownloadUrl(request, item.name);
  response.setHeader('Cache-Control', 'no-cache');
  response.type(SIDECAR_TYPES.meta4).send(own ? withOwnUrl(xml, own) : xml);
}

/** The bundles' own pages and assets, and the bundle files themselves. */
export function contentRoutes(app: Express, context: AppContext): void {
  app.get('/content/:bundle/{*path}', async (request, response) => {
    const item = await context.bundleOf(request.params.bundle, response);
    const path = entryPath(request.params.path);
    if (path === '') return void response.redirect(302, contentUrl(item.name, item.manifest.mainPage));
    const wanted = path.endsWith('/') ? path + 'index.html' : path;
    const record = await item.bundle.resolveContent(wanted);
    response.setHeader('Content-Security-Policy', contentPolicy(request, item.name));
    // ?v= with the bundle's version fingerprints the URL: its content can then be kept for good.
    const immutable = request.query.v === bundleVersion(item);
    if (record) {
      // A redirect to another folder is followed by the browser, so the page's relative links
      // resolve from where it really is; within one folder it is served at once (one round trip fewer).
      const target = record.name.slice(CONTENT_PREFIX.length);
      // A redirect to a section (a wiki's `Page#Section`) sends the browser to the section.
      if (record.fragment !== undefined) {
        return void response.redirect(302, `${contentUrl(item.name, target)}#${encodeURIComponent(record.fragment)}`);
      }
      if (posix.dirname(target) !== posix.dirname(wanted))
        return void response.redirect(302, contentUrl(item.name, target));
      return sendEntry(request, response, item.bundle, record, context.cache, { immutable });
    }
    // A folder asked without its slash: send the browser to the slash so relative links work.
    if (!path.endsWith('/') && (await item.bundle.resolveContent(path + '/index.html'))) {
      return void response.redirect(301, encodeURIComponent(path.split('/').pop()!) + '/');
    }
    throw new HttpError(404, `"${path}" is not in ${item.manifest.metadata.title}.`);
  });

  app.get('/content/:bundle', async (request, response) => {
    const item = await context.bundleOf(request.params.bundle, response);
    response.redirect(302, viewerUrl(item.name, item.manifest.mainPage));
  });

  app.get('/download/:bundle', async (request, response) => {
    const requested = request.params.bundle;
    if (!context.library.get(requested) && requested.endsWith(DIRECTORY_SUFFIX)) {
      const item = await context.bundleOf(requested.slice(0, -DIRECTORY_SUFFIX.length), response);
      return sendDirectory(response, item.bundle.source, bundleEtag(item));
    }
    const sidecar = context.library.get(requested) ? undefined : sidecarRequest(requested);
    if (sidecar?.kind === 'meta4') return sendMetalink(context, request, response, sidecar.name);
    if (sidecar) {
      const item = await context.bundleOf(sidecar.name, response);
      const path = item.file + SIDECARS[sidecar.kind];
      if (!existsSync(path)) throw new HttpError(404, `"${requested}" has not been published: run ferry publish.`);
      return void response.sendFile(resolve(path), { headers: { 'Content-Type': SIDECAR_TYPES[sidecar.kind] } });
    }
    const item = await context.bundleOf(requested, response);
    await sendBundleFile(request, response, item.bundle.source, `${item.name}.ferry`, bundleEtag(item));
  });
}

/**
 * The content digest and size, and the file's stamp (its time and inode): a repack of the same
 * pages at another time has the same digest and size but other bytes, and a download resumed with
 * If-Range must not mix the two.
 */
function bundleEtag(item: LibraryBundle): string {
  return `"${item.manifest.contentDigest.slice(7, 39)}-${item.bytes}-${hash32(item.stamp).toString(36)}"`;
}
