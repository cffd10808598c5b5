import type { Express } from 'express';
import type { AppContext } from '../context.js';
import { sendGenerated } from '../http.js';
import { opdsFeed } from '../opds.js';
import { filtersOf, matchesFilters } from '../pages/library-page.js';

/** The OPDS catalog, filtered like the library page by ?lang= and ?tag=. */
export function catalogRoutes(app: Express, context: AppContext): void {
  app.get('/catalog/entries.xml', async (request, response) => {
    const filters = filtersOf(request.query);
    const items = (await context.listed()).filter((item) => matchesFilters(item, filters));
    const feed = opdsFeed(items, request.originalUrl);
    sendGenerated(request, response, feed, 'application/atom+xml;profile=opds-catalog;kind=acquisition; charset=utf-8');
  });
}
