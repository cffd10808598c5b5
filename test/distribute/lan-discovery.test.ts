import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Service } from 'bonjour-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceLibrary, multicastOptions, serviceName } from '../../src/distribute/lan-announce.js';
import { findLibraries, toLibrary, type LanLibrary } from '../../src/distribute/lan-browse.js';
import { VERSION } from '../../src/version.js';
import { REPO, tempFolder } from '../helpers.js';

// Every multicast packet of these tests stays on the loopback interface or inside network
// namespaces made for them: none reaches the machine's real network.
const LOOPBACK = '127.0.0.1';
const PORT = 20000 + (process.pid % 20000);

describe('LAN discovery on loopback (one process, two Bonjour instances)', () => {
  it('finds announced libraries at the address the answer came from, sorted by name, and forgets them after stop()', async () => {
    const errors: string[] = [];
    const onError = (message: string) => errors.push(message);
    const zebra = `zebra-${process.pid}`;
    const alpha = `alpha-${process.pid}`;
    const started = Date.now();
    const first = announceLibrary({ port: PORT, name: zebra, bundles: 3, host: LOOPBACK, onError });
    const second = announceLibrary({ port: PORT + 1, name: alpha, bundles: 0, interface: LOOPBACK, onError });
    try {
      const found = (await findLibraries({ waitMs: 2000, interface: LOOPBACK })).filter((library) =>
        library.name.endsWith(`-${process.pid}`),
      );
      expect(Date.now() - started).toBeLessThan(4000);
      expect(found).toEqual<LanLibrary[]>([
        { name: alpha, url: `http://127.0.0.1:${PORT + 1}/`, bundles: 0, version: VERSION },
        { name: zebra, url: `http://127.0.0.1:${PORT}/`, bundles: 3, version: VERSION },
      ]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    // stop() is idempotent and a new browse, with nothing cached, no longer finds them.
    await first.stop();
    const after = await findLibraries({ waitMs: 1200, interface: LOOPBACK });
    expect(after.map((library) => library.name)).not.toContain(zebra);
    expect(after.map((library) => library.name)).not.toContain(alpha);
    expect(errors).toEqual([]);
  });

  it('reports a library it cannot announce through onError instead of throwing', async () => {
    const errors: string[] = [];
    const library = announceLibrary({
      port: 0,
      name: 'no-port',
      bundles: 1,
      host: LOOPBACK,
      onError: (m) => errors.push(m),
    });
    await library.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot announce no-port.*port/);
  });
});

describe('LAN discovery helpers', () => {
  it('announces on the interface the server listens on, and on every interface only for a wildcard host', () => {
    expect(multicastOptions('127.0.0.1', undefined)).toEqual({ interface: '127.0.0.1', bind: '0.0.0.0' });
    expect(multicastOptions('localhost', undefined)).toEqual({ interface: '127.0.0.1', bind: '0.0.0.0' });
    expect(multicastOptions('192.168.4.1', undefined)).toEqual({ interface: '192.168.4.1', bind: '0.0.0.0' });
    expect(multicastOptions('0.0.0.0', '10.0.0.2')).toEqual({ interface: '10.0.0.2', bind: '0.0.0.0' });
    expect(multicastOptions('0.0.0.0', undefined)).toEqual({});
    expect(multicastOptions(undefined, undefined)).toEqual({});
  });

  it('makes a service name one DNS label', () => {
    expect(serviceName('School library v2.1')).toBe('School library v2-1');
    expect(Buffer.byteLength(serviceName('é'.repeat(40)))).toBe(62);
  });

  it('brackets IPv6 addresses and reads the TXT record', () => {
    const service = (address: string, txt: Record<string, unknown>) =>
      ({
        name: 'lib',
        port: 8080,
        txt,
        referer: { address, family: 'IPv6', port: 5353, size: 1 },
      }) as unknown as Service;
    expect(toLibrary(service('fd00::2', { bundles: '7', version: '1.0.0', path: '/' }))).toEqual({
      name: 'lib',
      url: 'http://[fd00::2]:8080/',
      bundles: 7,
      version: '1.0.0',
    });
    expect(toLibrary(service('fe80::1%eth0', { bundles: 'many', path: 'http://elsewhere/' }))).toEqual({
      name: 'lib',
      url: 'http://[fe80::1%25eth0]:8080/',
    });
    expect(toLibrary(service('10.0.0.5', { path: '/ferry/' }))?.url).toBe('http://10.0.0.5:8080/ferry/');
  });
});

/** Whether this machine lets us make network namespaces (root and iproute2), and why not. */
function namespaceSupport(): { ok: boolean; reason: string } {
  const probe = `ferry-probe-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.error || made.status !== 0) return { ok: false, reason: made.error?.message ?? made.stderr.trim() };
  spawnSync('ip', ['netns', 'delete', probe]);
  return { ok: true, reason: '' };
}

const namespaces = namespaceSupport();
console.warn(
  namespaces.ok
    ? 'lan-discovery: running the two-namespace test (announcer and browser on separate network stacks)'
    : `lan-discovery: SKIPPING the two-namespace test: cannot run "ip netns add" (${namespaces.reason}); it needs root and iproute2`,
);

function ip(...args: string[]): void {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')}: ${run.error?.message ?? run.stderr.trim()}`);
}

/** Two namespaces joined by a veth pair, like two machines on one switch, with a route for multicast. */
function makeLan(a: string, b: string): void {
  const [vethA, vethB] = [`fa${process.pid}`, `fb${process.pid}`];
  ip('netns', 'add', a);
  ip('netns', 'add', b);
  ip('link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB);
  for (const [ns, veth, address] of [
    [a, vethA, '10.77.0.1/24'],
    [b, vethB, '10.77.0.2/24'],
  ] as const) {
    ip('link', 'set', veth, 'netns', ns);
    ip('-n', ns, 'addr', 'add', address, 'dev', veth);
    ip('-n', ns, 'link', 'set', veth, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    // No default route in a namespace: without this one, sending to 224.0.0.251 fails.
    ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', veth);
  }
}

/** The real modules as one ESM file that plain `node` runs (nothing is written to dist/). */
async function bundleModules(folder: string): Promise<string> {
  // version.ts finds package.json one folder up from the module.
  await mkdir(join(folder, 'lib'));
  await copyFile(join(REPO, 'package.json'), join(folder, 'package.json'));
  const outfile = join(folder, 'lib/lan.mjs');
  await build({
    stdin: {
      contents: "export * from './src/distribute/lan-announce.ts'; export * from './src/distribute/lan-browse.ts';",
      resolveDir: REPO,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
    // bonjour-service is CommonJS and requires Node's modules.
    banner: {
      js: "import { createRequire as bannerRequire } from 'node:module'; const require = bannerRequire(import.meta.url);",
    },
  });
  await writeFile(
    join(folder, 'lib/announce.mjs'),
    `import { announceLibrary } from './lan.mjs';
const [port, name, bundles] = process.argv.slice(2);
const library = announceLibrary({ port: Number(port), name, bundles: Number(bundles), onError: (m) => console.error(m) });
process.on('SIGTERM', () => library.stop().then(() => process.exit(0)));
console.log('ready');
`,
  );
  await writeFile(
    join(folder, 'lib/browse.mjs'),
    `import { findLibraries } from './lan.mjs';
console.log(JSON.stringify(await findLibraries({ waitMs: Number(process.argv[2]) })));
`,
  );
  return join(folder, 'lib');
}

function inNamespace(ns: string, script: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function output(child: ChildProcess, until?: string): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until && stdout.includes(until)) resolve({ stdout, stderr });
    });
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

async function browseFrom(ns: string, lib: string, waitMs: number): Promise<LanLibrary[]> {
  const run = await output(inNamespace(ns, join(lib, 'browse.mjs'), [String(waitMs)]));
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as LanLibrary[];
}

describe('LAN discovery between two network namespaces', () => {
  const [server, client] = [`ferry-srv-${process.pid}`, `ferry-cli-${process.pid}`];
  const children: ChildProcess[] = [];
  let lib: string;

  beforeAll(async () => {
    if (!namespaces.ok) return;
    lib = await bundleModules(await tempFolder());
    makeLan(server, client);
  });

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    // Deleting a namespace deletes the veth end inside it, and with it the pair.
    for (const ns of [server, client]) spawnSync('ip', ['netns', 'delete', ns]);
  });

  it.runIf(namespaces.ok)(
    'a browser on one machine finds a library announced with default options on another',
    async () => {
      const name = `Library ${process.pid}`;
      const announcer = inNamespace(server, join(lib, 'announce.mjs'), ['8080', name, '5']);
      children.push(announcer);
      const announced = await output(announcer, 'ready');
      expect(announced.stdout, announced.stderr).toContain('ready');

      const found = await browseFrom(client, lib, 2500);
      expect(found).toEqual<LanLibrary[]>([{ name, url: 'http://10.77.0.1:8080/', bundles: 5, version: VERSION }]);

      // SIGTERM stops the announcement (goodbye packets), then a fresh browse finds nothing.
      const exited = output(announcer);
      announcer.kill('SIGTERM');
      const stderr = (await exited).stderr;
      expect(announcer.exitCode, stderr).toBe(0);
      expect(await browseFrom(client, lib, 1200)).toEqual([]);
    },
  );
});
