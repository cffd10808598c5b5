import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface CommandCost {
  seconds: number;
  peakRssMB: number;
  /** What the command wrote to stderr (ferry's summaries go there). */
  stderr: string;
}

/** Runs a command to completion under GNU time: wall time and peak resident memory. */
export function measureCommand(command: string, args: string[]): CommandCost {
  const report = join(tmpdir(), `ferry-bench-time-${process.pid}.txt`);
  const result = spawnSync('time', ['-f', '%e %M', '-o', report, command, ...args], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} failed (${result.status}): ${(result.stderr || result.stdout).slice(-2000)}`);
  }
  const [seconds, kilobytes] = readFileSync(report, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  rmSync(report, { force: true });
  return { seconds: seconds!, peakRssMB: kilobytes! / 1024, stderr: result.stderr };
}

/** Resident memory of a live process, from /proc. */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kilobytes / 1024;
}

export interface RunningServer {
  name: string;
  process: ChildProcess;
  base: string;
  /** From spawn until the first request was answered. */
  startSeconds: number;
  alive(): boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

/** Starts a server on 127.0.0.1 and waits until `probePath` answers 200. */
export async function startServer(
  name: string,
  command: string,
  args: string[],
  port: number,
  probePath: string,
): Promise<RunningServer> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited before answering: ${stderr}`);
    if (performance.now() - started > READY_TIMEOUT_MS)
      throw new Error(`${name} did not answer within ${READY_TIMEOUT_MS / 1000} s`);
    const ok = await fetch(base + probePath).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const startSeconds = (performance.now() - started) / 1000;
  return {
    name,
    process: child,
    base,
    startSeconds,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
