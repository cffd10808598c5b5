import { describe, expect, it } from 'vitest';
import { HandlePool, openFileLimit, type PooledFile } from '../../src/bundle/handle-pool.js';

function file(): PooledFile & { closed: number; users: number } {
  return {
    users: 0,
    closed: 0,
    async closeIdle() {
      this.closed++;
    },
  };
}

describe('the pool of open bundle files', () => {
  it('closes the file read longest ago, never one being read, to stay under its limit', async () => {
    const pool = new HandlePool(2);
    const [a, b, c] = [file(), file(), file()];
    pool.touch(a);
    pool.touch(b);
    pool.touch(a); // b is now the one used longest ago
    await pool.makeRoom();
    pool.touch(c);
    expect([a.closed, b.closed]).toEqual([0, 1]);
    a.users = 1;
    const d = file();
    await pool.makeRoom(); // a is being read: c goes
    pool.touch(d);
    expect([a.closed, c.closed]).toEqual([0, 1]);
    expect(pool.size).toBe(2);
  });

  it("takes a quarter of the process's open-file limit, between 8 and 256", () => {
    const limits = (soft: number) =>
      `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 1048576              files\n`;
    expect(openFileLimit(limits(1024))).toBe(256);
    expect(openFileLimit(limits(256))).toBe(64);
    expect(openFileLimit(limits(16))).toBe(8);
    expect(openFileLimit(undefined)).toBe(256);
  });
});
