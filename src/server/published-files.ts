import { existsSync } from 'node:fs';
import { SIDECARS } from '../distribute/publish.js';
import type { LibraryBundle } from './library.js';

export type SidecarKind = keyof typeof SIDECARS;

export const SIDECAR_TYPES: Record<SidecarKind, string> = {
  sha256: 'text/plain; charset=utf-8',
  meta4: 'application/metalink4+xml',
  torrent: 'application/x-bittorrent',
};

export const SIDECAR_LABELS: Record<SidecarKind, string> = { sha256: 'SHA-256', meta4: 'Metalink', torrent: 'Torrent' };

export interface PublishedFile {
  kind: SidecarKind;
  url: string;
  type: string;
}

/**
 * The files `ferry publish` wrote beside a bundle, looked for on each request so new ones show at
 * once; a Metalink always, made by the server when none was published.
 */
export function publishedFiles(item: LibraryBundle): PublishedFile[] {
  return (Object.keys(SIDECARS) as SidecarKind[])
    .filter((kind) => kind === 'meta4' || existsSync(item.file + SIDECARS[kind]))
    .map((kind) => ({
      kind,
      url: `/download/${encodeURIComponent(item.name + SIDECARS[kind])}`,
      type: SIDECAR_TYPES[kind],
    }));
}

/** `name.meta4` → the bundle name and the kind, when the name is not a bundle's own. */
export function sidecarRequest(requested: string): { name: string; kind: SidecarKind } | undefined {
  for (const kind of Object.keys(SIDECARS) as SidecarKind[]) {
    if (requested.endsWith(SIDECARS[kind])) return { name: requested.slice(0, -SIDECARS[kind].length), kind };
  }
  return undefined;
}
