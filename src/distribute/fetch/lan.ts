import { BlockList, isIP } from 'node:net';

/** Addresses that stay on the local network: private ranges, link-local, loopback (RFC 1918, 4193, 3927). */
const LOCAL = new BlockList();
LOCAL.addSubnet('10.0.0.0', 8);
LOCAL.addSubnet('172.16.0.0', 12);
LOCAL.addSubnet('192.168.0.0', 16);
LOCAL.addSubnet('169.254.0.0', 16);
LOCAL.addSubnet('127.0.0.0', 8);
LOCAL.addSubnet('fc00::', 7, 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');
LOCAL.addAddress('::1', 'ipv6');

/** Whether a URL's host is on the local network: a private address, or a name mDNS gives (.local). */
export function isLanHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(host);
  if (family === 4) return LOCAL.check(host, 'ipv4');
  if (family === 6) return LOCAL.check(host, 'ipv6');
  return host === 'localhost' || host.endsWith('.local');
}
