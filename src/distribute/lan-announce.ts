import { Bonjour, type Service } from 'bonjour-service';
import { isIPv4 } from 'node:net';
import { VERSION } from '../version.js';
import { describeError } from '../errors.js';

/** DNS-SD service type of a ferry library: `_ferry._tcp.local`. */
export const SERVICE_TYPE = 'ferry';

export interface AnnounceOptions {
  /** The port the HTTP server listens on. */
  port: number;
  /** The instance name people see in a browser's list ("School library"). */
  name: string;
  /** How many bundles the library serves, so a browser can show it before connecting. */
  bundles: number;
  /** The address the HTTP server listens on (`--host`). */
  host?: string;
  /** Announce only on the interface with this IPv4 address. */
  interface?: string;
  /** Told about network errors; announcing never throws out of the event loop. */
  onError?(message: string): void;
}

/** What `new Bonjour()` and multicast-dns accept; bonjour-service's own type leaves these out. */
export interface MulticastOptions {
  interface?: string;
  bind?: string;
}

/** multicast-dns emits `error` (cannot bind 5353) and `warning` (cannot join the group on an interface). */
interface MulticastEvents {
  on(event: 'error' | 'warning', listener: (error: unknown) => void): unknown;
}

/** A service name is one DNS label: at most 63 bytes, and bonjour-service would turn dots into dashes anyway. */
export function serviceName(name: string): string {
  let label = name.replaceAll('.', '-').trim() || 'ferry';
  while (Buffer.byteLength(label) > 63) label = [...label].slice(0, -1).join('');
  return label;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Where to send multicast. A server listening on one address is announced on that interface only:
 * on loopback so that nothing leaves the machine, on a LAN address so the other network interfaces
 * (a Pi's uplink) are not told about it. multicast-dns then needs `bind: '0.0.0.0'`, because a socket
 * bound to the interface address never receives group traffic on Linux.
 */
export function multicastOptions(host: string | undefined, iface: string | undefined): MulticastOptions {
  if (iface) return { interface: iface, bind: '0.0.0.0' };
  if (host && isLoopback(host)) return { interface: '127.0.0.1', bind: '0.0.0.0' };
  if (host && isIPv4(host) && host !== '0.0.0.0') return { interface: host, bind: '0.0.0.0' };
  return {};
}

/**
 * A Bonjour instance whose errors all go to `report`. Its default error callback throws, and the
 * multicast socket's `error` event has no listener of its own, which would crash the server.
 */
export function quietBonjour(options: MulticastOptions, report: (message: string, fatal: boolean) => void): Bonjour {
  const bonjour = new Bonjour(options as ConstructorParameters<typeof Bonjour>[0], (error: unknown) =>
    report(`LAN discovery: ${describeError(error)}`, false),
  );
  const mdns = (bonjour as unknown as { server: { mdns: MulticastEvents } }).server.mdns;
  const seen = new Set<string>();
  mdns.on('error', (error) => report(`LAN discovery cannot use the mDNS port 5353: ${describeError(error)}`, true));
  // Warnings repeat every 5 s (multicast-dns retries joining the group); say each once.
  mdns.on('warning', (error) => {
    const message = `LAN discovery: ${describeError(error)}`;
    if (seen.has(message)) return;
    seen.add(message);
    report(message, false);
  });
  return bonjour;
}

function txtRecord(bundles: number): Record<string, string> {
  return { path: '/', catalog: '/catalog/entries.xml', version: VERSION, bundles: String(bundles) };
}

function stopService(service: Service): Promise<void> {
  // stop() sends the goodbye (TTL 0) records so browsers drop the library at once.
  return new Promise((resolve) => service.stop(() => resolve()));
}

function destroy(bonjour: Bonjour): Promise<void> {
  return new Promise((resolve) => bonjour.destroy(() => resolve()));
}

/** Publishes a ferry library as `_ferry._tcp` on the local network until `stop()`. */
export function announceLibrary(options: AnnounceOptions): { stop(): Promise<void> } {
  const report = (message: string) => options.onError?.(message);
  const bonjour = quietBonjour(multicastOptions(options.host, options.interface), report);
  let service: Service | undefined;
  try {
    service = bonjour.publish({
      name: serviceName(options.name),
      type: SERVICE_TYPE,
      port: options.port,
      txt: txtRecord(options.bundles),
    });
  } catch (error) {
    report(`LAN discovery: cannot announce ${options.name}: ${describeError(error)}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (service ? stopService(service) : Promise.resolve()).then(() => destroy(bonjour));
      return stopped;
    },
  };
}
