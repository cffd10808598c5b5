import { describe, expect, it } from 'vitest';
import { isLanHost } from '../../src/distribute/fetch/lan.js';

describe('which sources --prefer-lan takes first', () => {
  it('takes private, link-local and loopback addresses and .local names as the local network', () => {
    for (const host of ['10.1.2.3', '172.20.0.9', '192.168.1.10', '169.254.7.7', '127.0.0.1', 'localhost', 'pi.local'])
      expect(isLanHost(host), host).toBe(true);
    for (const host of ['[fd12:3456::1]', '[fe80::1]', '[::1]']) expect(isLanHost(host), host).toBe(true);
  });

  it('takes public addresses and names as the far internet', () => {
    for (const host of ['8.8.8.8', '172.32.0.1', '192.169.0.1', 'mirror.example.org', '[2001:db8::1]'])
      expect(isLanHost(host), host).toBe(false);
  });
});
