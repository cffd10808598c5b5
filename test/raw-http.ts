import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as the client got it, gunzipped when it came gzipped; undefined when the transfer broke. */
  body: Buffer | undefined;
  /** Why the body is missing: the connection was cut, or the gzip stream did not check out. */
  broken?: string;
}

/**
 * A GET as a plain HTTP client makes it, with no retry and no decoding but gzip, so a test sees
 * exactly what the server sent: its status, and whether the body arrived whole.
 */
export function rawGet(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from ${url} in ${timeoutMs} ms`)), timeoutMs);
    const finish = (answer: RawAnswer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    const outgoing = request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      const base = { status: response.statusCode ?? 0, headers: response.headers };
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => finish({ ...base, body: undefined, broken: error.message }));
      response.on('aborted', () => finish({ ...base, body: undefined, broken: 'aborted' }));
      response.on('end', () => {
        if (!response.complete) return finish({ ...base, body: undefined, broken: 'incomplete' });
        const body = Buffer.concat(chunks);
        if (response.headers['content-encoding'] !== 'gzip') return finish({ ...base, body });
        try {
          finish({ ...base, body: gunzipSync(body) });
        } catch (error) {
          finish({ ...base, body: undefined, broken: `bad gzip: ${(error as Error).message}` });
        }
      });
    });
    outgoing.on('error', (error) => finish({ status: 0, headers: {}, body: undefined, broken: error.message }));
    outgoing.end();
  });
}
