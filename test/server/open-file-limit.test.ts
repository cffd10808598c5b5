import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileLimit } from '../../src/server/open-file-limit.js';
import { tempFolder } from '../helpers.js';

describe('the open-file limit', () => {
  it('is the soft limit of /proc/self/limits, which the library keeps its open bundles under', async () => {
    const folder = await tempFolder();
    const limits = join(folder, 'limits');
    await writeFile(
      limits,
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
        'Max processes             15523                15523                processes \n' +
        'Max open files            1024                 524288               files     \n',
    );
    expect(openFileLimit(limits)).toBe(1024);
    await writeFile(limits, 'Max open files            unlimited            unlimited            files     \n');
    expect(openFileLimit(limits)).toBe(Number.MAX_SAFE_INTEGER);
    // Not Linux: a Pi's default, not a guess of millions.
    expect(openFileLimit(join(folder, 'missing'))).toBe(1024);
  });

  it('is this process’s own by default', () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});
