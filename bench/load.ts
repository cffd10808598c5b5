import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadResult {
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

export interface LoadOptions {
  seconds: number;
  connections: number;
  threads: number;
  headers?: Record<string, string>;
  /** A wrk Lua script (`request = function() … end`), to spread requests over many URLs. */
  script?: string;
}

function milliseconds(value: string, unit: string): number {
  const number = Number(value);
  return unit === 'us' ? number / 1000 : unit === 's' ? number * 1000 : unit === 'm' ? number * 60_000 : number;
}

/** One bounded wrk run against a loopback URL; async, so a server that dies meanwhile is noticed. */
export async function runWrk(url: string, options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error(`load is only ever sent to 127.0.0.1, not ${url}`);
  const args = [
    '-t',
    String(options.threads),
    '-c',
    String(options.connections),
    '-d',
    `${options.seconds}s`,
    '--timeout',
    '10s',
    '--latency',
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.script) args.push('-s', options.script);
  const result = await run('wrk', [...args, url], { encoding: 'utf8', timeout: (options.seconds + 30) * 1000 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const output = result.stdout;
  const percentile = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
    return match ? milliseconds(match[1]!, match[2]!) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socket = socketErrors ? socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0;
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
    p50ms: percentile('50'),
    p99ms: percentile('99'),
    errors: non2xx + socket,
  };
}
