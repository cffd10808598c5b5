import { CONTENT_PREFIX } from '../../src/bundle/names.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { snippetHtml } from '../../src/search/snippet.js';
import { BlobSource } from './blob-source.js';
import { BrowserBundle } from './bundle.js';
import { BlobUrls, preparePage } from './page.js';
import { decodeText } from '../../src/pack/charset.js';

const SUGGESTIONS = 10;
const RESULTS = 20;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const picker = element<HTMLInputElement>('pick');
const frame = element<HTMLIFrameElement>('page');
const status = element<HTMLElement>('status');
const heading = element<HTMLElement>('bundle-title');
const query = element<HTMLInputElement>('suggest');
const list = element<HTMLUListElement>('suggestions');
const home = element<HTMLButtonElement>('home');
const searchForm = element<HTMLFormElement>('search-form');
const searchBox = element<HTMLInputElement>('search');
const results = element<HTMLElement>('results');

let bundle: BrowserBundle | undefined;
let urls: BlobUrls | undefined;
let searcher: BundleSearcher | undefined;

function say(text: string): void {
  status.textContent = text;
}

/** Goes to a page through the address's #fragment, so the browser's Back and Forward buttons work. */
function go(target: string): void {
  const hash = `#${encodeURIComponent(target)}`;
  if (location.hash === hash) void show(target);
  else location.hash = hash;
}

window.addEventListener('hashchange', () => void show(decodeURIComponent(location.hash.slice(1))));

/** Shows one page, or says why it cannot: a damaged entry is named, never shown as good. */
async function show(target: string): Promise<void> {
  try {
    await showPage(target);
  } catch (error) {
    frame.removeAttribute('src');
    frame.srcdoc = '';
    say(`This page cannot be shown: ${(error as Error).message}`);
  }
}

/** Shows one page of the bundle in the frame; links inside it come back here. */
async function showPage(target: string): Promise<void> {
  if (!bundle || !urls) return;
  const [asked = '', fragment] = target.split('#');
  // A folder is its index.html, as on the server.
  const path = asked === '' || asked.endsWith('/') ? `${asked}index.html` : asked;
  const record = (await bundle.resolveContent(path)) ?? (await bundle.resolveContent(`${path}/index.html`));
  if (!record) return say(`"${path}" is not in this bundle.`);
  say('');
  const realPath = record.name.slice(CONTENT_PREFIX.length);
  const data = await bundle.bytes(record);
  frame.dataset.path = realPath;
  if (!record.locator.mediaType.startsWith('text/html')) {
    frame.removeAttribute('srcdoc');
    frame.src = (await urls.get(realPath)) ?? 'about:blank';
    return;
  }
  frame.srcdoc = await preparePage(decodeText(data, record.locator.mediaType), realPath, urls);
  frame.onload = () => {
    const page = frame.contentDocument;
    if (!page) return;
    page.addEventListener('click', (event) => {
      const link = (event.target as Element).closest?.('a[data-ferry-path]');
      if (!link) return;
      event.preventDefault();
      go(link.getAttribute('data-ferry-path')!);
    });
    if (fragment) page.getElementById(decodeURIComponent(fragment))?.scrollIntoView();
  };
}

/** A picked .ferry file, or the parts of a split one (name.ferry.part001, part002, …) in order. */
async function open(files: File[]): Promise<void> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : 1));
  const parts = sorted.filter((file) => /\.part\d{3}$/.test(file.name));
  const chosen = parts.length > 0 ? parts : sorted.slice(0, 1);
  if (chosen.length === 0) return;
  say('Opening…');
  try {
    urls?.clear();
    bundle = await BrowserBundle.open(new BlobSource(chosen[0]!.name, chosen));
    urls = new BlobUrls(bundle, (message) => say(`Part of this page cannot be shown: ${message}`));
    searcher = new BundleSearcher(bundle);
    results.replaceChildren();
    heading.textContent = bundle.manifest.metadata.title;
    document.title = `${bundle.manifest.metadata.title} · ferry`;
    history.replaceState(null, '', `#${encodeURIComponent(bundle.manifest.mainPage)}`);
    await show(bundle.manifest.mainPage);
  } catch (error) {
    say(`This file cannot be read as a bundle: ${(error as Error).message}`);
  }
}

async function suggest(): Promise<void> {
  if (!searcher) return;
  const found = await searcher.suggest(query.value, SUGGESTIONS);
  list.replaceChildren(
    ...found.map((suggestion) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = suggestion.title;
      button.addEventListener('click', () => {
        list.replaceChildren();
        query.value = '';
        go(suggestion.path);
      });
      item.append(button);
      return item;
    }),
  );
}

/** Full-text search in the bundle's own index shards, read like every other entry. */
async function search(): Promise<void> {
  if (!searcher) return;
  say('Searching…');
  const found = await searcher.search(searchBox.value, { limit: RESULTS }).catch((error: Error) => {
    say(`The search failed: ${error.message}`);
  });
  if (!found) return;
  say(found.total === 0 ? `Nothing found for "${searchBox.value}".` : '');
  results.innerHTML = found.hits
    .map((hit, index) => `<li><a href="#" data-hit="${index}"></a><p>${snippetHtml(hit.snippet)}</p></li>`)
    .join('');
  results.querySelectorAll<HTMLAnchorElement>('a[data-hit]').forEach((link) => {
    const hit = found.hits[Number(link.dataset.hit)]!;
    link.textContent = hit.title;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      results.replaceChildren();
      go(hit.section === undefined ? hit.path : `${hit.path}#${hit.section}`);
    });
  });
}

searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void search();
});
picker.addEventListener('change', () => void open([...(picker.files ?? [])]));
query.addEventListener('input', () => void suggest());
home.addEventListener('click', () => bundle && go(bundle.manifest.mainPage));
