import { spawn, execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSample, REPO, serveLibrary, tempFolder } from '../helpers.js';

const CLI = join(REPO, 'dist/cli/ferry.mjs');
/** Combined Log Format: client, identity, user, [time], "request", status, bytes, "referrer", "agent". */
const LOG_LINE =
  /^(\S+) - - \[(\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000)\] "(\S+) (\S+) HTTP\/1\.1" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$/;

describe('running ferry serve as a service', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await tempFolder();
    await packSample(folder);
  });

  it('answers /healthz at once, with the number of bundles, never cached', async () => {
    const served = await serveLibrary(folder);
    try {
      const response = await fetch(`${served.base}/healthz`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toMatchObject({ status: 'ok', bundles: 1, cache: { maxBytes: 128 * 1024 * 1024 } });
    } finally {
      await served.close();
    }
  });

  describe('with --log FILE', () => {
    let log: string;
    let base: string;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      log = join(folder, 'access.log');
      await writeFile(log, 'a line from before\n');
      const child = spawn(process.execPath, [
        CLI,
        'serve',
        folder,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--no-qr',
        '--log',
        log,
      ]);
      base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const url = /Open (http:\/\/\S+?)\/?\n/.exec(out)?.[1];
          if (url) resolve(url.replace('localhost', '127.0.0.1'));
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      stop = () => {
        child.kill('SIGINT');
        return exited;
      };
    });
    afterAll(() => stop?.());

    it('appends one Combined Log Format line per answer: status, bytes, referrer and agent', async () => {
      const page = await fetch(`${base}/content/click_docs_en/quickstart.html`, {
        headers: { 'user-agent': 'test "agent"', referer: `${base}/` },
      });
      await page.arrayBuffer();
      const sent = page.headers.get('content-length'); // of the bytes on the wire, gzip or not
      expect((await fetch(`${base}/content/click_docs_en/missing.html`)).status).toBe(404);
      await stop();
      const lines = (await readFile(log, 'utf8')).trim().split('\n');
      expect(lines[0]).toBe('a line from before');
      const entries = lines.slice(1).map((line) => {
        const match = LOG_LINE.exec(line);
        expect(match, line).not.toBeNull();
        return match!;
      });
      const [, client, , method, path, status, bytes, referrer, agent] = entries[0]!;
      expect([client, method, path, status]).toEqual([
        '127.0.0.1',
        'GET',
        '/content/click_docs_en/quickstart.html',
        '200',
      ]);
      expect(bytes).toBe(sent);
      expect(referrer).toBe(`${base}/`);
      expect(agent).toBe('test \\x22agent\\x22');
      expect(entries[1]![5]).toBe('404');
    });
  });

  it('serves more bundles than the open-file limit lets it hold open, closing idle ones to open others', async () => {
    const library = join(folder, 'many');
    await mkdir(library);
    const bundle = join(folder, 'click.ferry');
    await Promise.all(Array.from({ length: 150 }, (_, i) => copyFile(bundle, join(library, `copy-${i}.ferry`))));
    const command = `ulimit -n 128 && exec ${process.execPath} ${CLI} serve ${library} --port 0 --host 127.0.0.1 --no-qr --watch`;
    const child = spawn('sh', ['-c', command], { env: { ...process.env, XDG_CACHE_HOME: join(folder, 'cache') } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C')) resolve(out);
      });
      child.once('close', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    expect(started).toMatch(/Serving 150 bundles: click_docs_en, click_docs_en-2, .* and 140 more/);
    const base = /Open (http:\/\/\S+?)\/?\n/.exec(started)![1]!.replace('localhost', '127.0.0.1');
    // Every bundle answers, ten at a time, though at most 28 may be open at once (128 less 100 kept free).
    const names = ['click_docs_en', ...Array.from({ length: 149 }, (_, i) => `click_docs_en-${i + 2}`)];
    for (let at = 0; at < names.length; at += 10) {
      const statuses = await Promise.all(
        names
          .slice(at, at + 10)
          .map((name) => fetch(`${base}/content/${name}/index.html`).then((response) => response.status)),
      );
      expect(statuses).toEqual(Array(statuses.length).fill(200));
    }
    const health = (await (await fetch(`${base}/healthz`)).json()) as { bundles: number; openBundles: number };
    expect(health.bundles).toBe(150);
    expect(health.openBundles).toBeGreaterThan(0);
    expect(health.openBundles).toBeLessThanOrEqual(28);
    // A search of the whole library searches what may be open, names what it left out, and the
    // operator is told what to raise, once.
    const search = await fetch(`${base}/api/search?q=click`);
    expect(search.status).toBe(200);
    const found = (await search.json()) as { total: number; unavailable: string[] };
    expect(found.total).toBeGreaterThan(0);
    expect(found.unavailable.length).toBeGreaterThanOrEqual(150 - 28);
    expect(found.unavailable.length).toBeLessThan(150);
    expect((await fetch(`${base}/content/click_docs_en-150/index.html`)).status).toBe(200);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    expect(stderr.match(/^warning: a bundle could not be opened: too many open files .*ulimit -n/gm)).toHaveLength(1);
    expect(stderr).not.toMatch(/EMFILE/);
    expect(stderr).not.toMatch(/could not rescan/);
  });

  it('ships a systemd unit that systemd reads without a warning', () => {
    // As installed, but started with this build, so that systemd can check the program exists.
    const unit = join(folder, 'ferry.service');
    const text = execFileSync('sed', [
      `s#^ExecStart=/usr/bin/env ferry #ExecStart=${process.execPath} ${CLI} #`,
      join(REPO, 'contrib/ferry.service'),
    ]).toString();
    expect(text).toContain('Restart=on-failure');
    expect(text).toMatch(/^User=ferry$/m);
    expect(text).toMatch(/^ReadOnlyPaths=\/srv\/ferry$/m);
    return writeFile(unit, text).then(() => {
      const result = execFileSync('systemd-analyze', ['verify', unit], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(result).toBe('');
    });
  });
});
