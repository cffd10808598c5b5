import type { Request } from 'express';
import { escapeHtml } from '../search/snippet.js';

/** This server's URL of a bundle file as the client reached it, when its Host header is a plain host. */
export function ownDownloadUrl(request: Request, name: string): string | undefined {
  const host = request.headers.host ?? '';
  if (!/^[a-z0-9.:[\]-]+$/i.test(host)) return undefined;
  return `${request.protocol}://${host}/download/${encodeURIComponent(name)}`;
}

/**
 * A published .meta4 with this server added as a source (first, since the client reached it):
 * a client that learns one library learns every mirror the Metalink names, and a library that
 * mirrors the bundle passes the list on with its own address added.
 */
export function withOwnUrl(xml: string, url: string): string {
  const element = `<url priority="1">${escapeHtml(url)}</url>`;
  if (xml.includes(`>${escapeHtml(url)}</url>`)) return xml;
  const after = xml.indexOf('</pieces>');
  const at = after >= 0 ? after + '</pieces>'.length : xml.indexOf('</file>');
  if (at < 0) return xml;
  return `${xml.slice(0, at)}\n    ${element}${xml.slice(at)}`;
}
