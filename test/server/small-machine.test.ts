import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, readFile, rmdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, SAMPLE_SITE, tempFolder } from '../helpers.js';

const BIN = join(REPO, 'dist/cli/ferry.mjs');
const BUNDLES = 1000;
const MEMORY_CAP = 256 * 1024 * 1024;

/**
 * How the server is held to 256 MB: a memory cgroup of its own (v2, or v1 as in many
 * containers) when this machine lets root make one, else V8's heap limit alone. Said in the
 * test's name, so a run shows which one it had.
 */
function memoryCap(): { kind: string; folder?: string; usage?: string } {
  for (const [root, limit, usage] of [
    ['/sys/fs/cgroup', 'memory.max', 'memory.peak'],
    ['/sys/fs/cgroup/memory', 'memory.limit_in_bytes', 'memory.max_usage_in_bytes'],
  ] as const) {
    const folder = join(root, `ferry-test-${process.pid}`);
    if (!existsSync(join(root, 'cgroup.procs'))) continue;
    if (spawnSync('mkdir', [folder]).status !== 0) continue;
    if (spawnSync('sh', ['-c', `echo ${MEMORY_CAP} > ${join(folder, limit)}`]).status === 0)
      return { kind: `a memory cgroup (${limit})`, folder, usage: join(folder, usage) };
    spawnSync('rmdir', [folder]);
  }
  return { kind: 'V8 heap limit (no cgroup here)' };
}

const cap = memoryCap();

describe(`a library of ${BUNDLES} bundles on one CPU, held to 256 MB by ${cap.kind}`, () => {
  let server: ChildProcess;
  let base: string;
  let names: string[];

  beforeAll(async () => {
    const folder = await tempFolder();
    const site = join(folder, 'site');
    await mkdir(site);
    for (const page of ['index.html', 'quickstart.html', 'license.html'])
      await copyFile(join(SAMPLE_SITE, page), join(site, page));
    const bundle = join(folder, 'small.ferry');
    const run = await runCli(['pack', site, '-o', bundle, '--name', 'small', '--language', 'eng']);
    if (run.code !== 0) throw new Error(run.stderr);
    const library = join(folder, 'library');
    await mkdir(library);
    const copies = Array.from({ length: BUNDLES }, (_, i) =>
      join(library, `small-${String(i).padStart(4, '0')}.ferry`),
    );
    await Promise.all(copies.map((copy) => copyFile(bundle, copy)));
    // The shell joins the cgroup, then becomes the server: every byte it allocates counts.
    const join_ = cap.folder ? `echo $$ > ${join(cap.folder, 'cgroup.procs')} && ` : '';
    const heap = cap.folder ? '' : '--max-old-space-size=200 ';
    const command = `${join_}exec taskset -c 0 ${process.execPath} ${heap}${BIN} serve ${library} --port 0 --host 127.0.0.1 --no-qr --search-rate 0 --cache 16M`;
    server = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    base = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const url = /Open (http:\/\/\S+?)\/?\n/.exec(out)?.[1];
        if (url) resolve(url.replace('localhost', '127.0.0.1'));
      });
      server.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
    });
    names = ((await (await fetch(`${base}/api/bundles`)).json()) as { name: string }[]).map((item) => item.name);
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }
    if (cap.folder) await rmdir(cap.folder).catch(() => undefined);
  });

  it('serves a page and a search of every bundle, with no error and no restart', async () => {
    expect(names).toHaveLength(BUNDLES);
    const pid = server.pid;
    const urls = names.flatMap((name) => [
      `${base}/content/${name}/quickstart.html`,
      `${base}/api/search?bundle=${name}&q=click`,
    ]);
    const failures: string[] = [];
    let next = 0;
    // 16 clients at once, as the bench's load has.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let index = next++; index < urls.length; index = next++) {
          const response = await fetch(urls[index]!).catch((error: Error) => ({ status: error.message }) as const);
          if (response.status !== 200) failures.push(`${urls[index]}: ${response.status}`);
          if ('arrayBuffer' in response) await response.arrayBuffer();
        }
      }),
    );
    expect(failures).toEqual([]);
    // Every bundle's caches are held to the one budget --cache gives, together.
    const health = (await (await fetch(`${base}/healthz`)).json()) as { cache: { bytes: number; maxBytes: number } };
    expect(health.cache.maxBytes).toBe(16 * 1024 * 1024);
    expect(health.cache.bytes).toBeGreaterThan(0);
    expect(health.cache.bytes).toBeLessThanOrEqual(health.cache.maxBytes);
    expect(server.exitCode).toBeNull();
    expect(server.pid).toBe(pid);
    if (cap.usage) {
      const peak = Number((await readFile(cap.usage, 'utf8')).trim());
      expect(peak).toBeLessThanOrEqual(MEMORY_CAP);
    }
  }, 300_000);
});
