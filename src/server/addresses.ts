import { networkInterfaces } from 'node:os';

/** The URLs people can open: localhost, and every LAN address when listening on all of them. */
export function serverUrls(host: string, port: number): { local: string; lan: string[] } {
  const local = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}/`;
  if (host !== '0.0.0.0' && host !== '::') return { local, lan: [] };
  const lan: string[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.internal) continue;
      if (address.family === 'IPv4') lan.push(`http://${address.address}:${port}/`);
    }
  }
  return { local, lan };
}
