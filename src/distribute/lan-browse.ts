import type { Bonjour, Browser, Service } from 'bonjour-service';
import { isIPv6 } from 'node:net';
import { FerryError } from '../errors.js';
import { quietBonjour, SERVICE_TYPE, type MulticastOptions } from './lan-announce.js';

/** A ferry library found on the local network. */
export interface LanLibrary {
  name: string;
  /** `http://<address the answer came from>:<port>/`. */
  url: string;
  bundles?: number;
  version?: string;
}

export interface BrowseOptions {
  /** How long to listen for answers, in milliseconds (2000). */
  waitMs?: number;
  /** Ask and listen on the interface with this IPv4 address only. */
  interface?: string;
  /** The address the mDNS socket binds to (`0.0.0.0` when `interface` is given). */
  bind?: string;
}

/** mDNS asks again after 1 s (RFC 6762 §5.2), which covers a query or an answer lost on Wi-Fi. */
const REQUERY_MS = 1000;

function browseOptions(options: BrowseOptions): MulticastOptions {
  if (options.interface) return { interface: options.interface, bind: options.bind ?? '0.0.0.0' };
  return options.bind ? { bind: options.bind } : {};
}

function urlHost(address: string): string {
  // A zone (fe80::1%eth0) is written %25 inside the brackets (RFC 6874).
  return isIPv6(address.split('%')[0] ?? '') ? `[${address.replace('%', '%25')}]` : address;
}

function txtValue(service: Service, key: string): string | undefined {
  const value: unknown = (service.txt as Record<string, unknown> | undefined)?.[key];
  if (typeof value === 'string') return value;
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
}

/** The path the library announces, when it is a plain absolute path; `/` otherwise. */
function libraryPath(service: Service): string {
  const path = txtValue(service, 'path');
  return path && /^\/[\w\-./~%]*$/.test(path) ? path : '/';
}

/**
 * The address the answer came from, not the announced A records: bonjour-service leaves loopback
 * and other internal addresses out of those, and a multihomed server lists addresses the browser
 * may not reach. The sender's address is one that routes back.
 */
export function toLibrary(service: Service): LanLibrary | undefined {
  const address = service.referer?.address;
  if (!address || !service.port) return undefined;
  const library: LanLibrary = {
    name: service.name,
    url: `http://${urlHost(address)}:${service.port}${libraryPath(service)}`,
  };
  const bundles = Number(txtValue(service, 'bundles'));
  if (Number.isInteger(bundles) && bundles >= 0) library.bundles = bundles;
  const version = txtValue(service, 'version');
  if (version) library.version = version;
  return library;
}

/** One entry per URL (a library answering twice, or on two interfaces), sorted by name. */
function uniqueByUrl(services: Service[]): LanLibrary[] {
  const byUrl = new Map<string, LanLibrary>();
  for (const service of services) {
    const library = toLibrary(service);
    if (library && !byUrl.has(library.url)) byUrl.set(library.url, library);
  }
  return [...byUrl.values()].sort((a, b) => a.name.localeCompare(b.name) || a.url.localeCompare(b.url));
}

function destroy(bonjour: Bonjour): Promise<void> {
  return new Promise((resolve) => bonjour.destroy(() => resolve()));
}

function listen(browser: Browser, waitMs: number, failed: Promise<never>): Promise<Service[]> {
  const timers: NodeJS.Timeout[] = [];
  const waited = new Promise<Service[]>((resolve) => {
    timers.push(setTimeout(() => browser.update(), REQUERY_MS));
    timers.push(setTimeout(() => resolve(browser.services), waitMs));
  });
  return Promise.race([waited, failed]).finally(() => {
    timers.forEach(clearTimeout);
    browser.stop();
  });
}

/** The ferry libraries that answer on the local network within `waitMs`. */
export async function findLibraries(options: BrowseOptions = {}): Promise<LanLibrary[]> {
  const waitMs = options.waitMs ?? 2000;
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Only a socket that cannot bind is fatal; a warning (one interface without multicast) is not.
  const bonjour = quietBonjour(browseOptions(options), (message, fatal) => {
    if (fatal) fail(new FerryError('INPUT_INVALID', message));
  });
  try {
    const browser = bonjour.find({ type: SERVICE_TYPE });
    return uniqueByUrl(await listen(browser, waitMs, failed));
  } finally {
    await destroy(bonjour);
  }
}
