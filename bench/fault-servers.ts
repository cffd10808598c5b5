/** Test and bench sources on 127.0.0.1 that misbehave as told: slow, lying about pieces, or dying. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How a test source misbehaves. */
export interface Fault {
  /** Sends at most this many bytes a second, over all its connections. */
  bytesPerSecond?: number;
  /** Sends these pieces' bytes with one byte changed (piece length given). */
  corrupt?: { pieceLength: number; pieces: number[] };
  /** After sending this many bytes in all, cuts every connection and refuses new ones. */
  diesAfter?: number;
  /** A Metalink to answer at any path ending in .meta4. */
  metalink?: string;
  /** Waits this long before each answer, as a far server does. */
  answerAfterMs?: number;
  /** Answers every request with the whole file, as a server without Range requests does. */
  noRanges?: boolean;
}

export interface FaultServer {
  url: string;
  /** Bytes of the file sent so far. */
  sent: number;
  requests: number;
  close(): Promise<void>;
}

/** Writes `data` at most `rate` bytes a second (shared by every answer of the server), in small slices. */
async function throttled(
  response: ServerResponse,
  data: Buffer,
  bucket: { nextAt: number },
  rate: number,
): Promise<void> {
  const slice = Math.max(1024, Math.floor(rate / 50));
  for (let at = 0; at < data.length && !response.destroyed; at += slice) {
    const part = data.subarray(at, at + slice);
    const now = performance.now();
    bucket.nextAt = Math.max(bucket.nextAt, now) + (part.length * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, bucket.nextAt - now)));
    response.write(part);
  }
}

/**
 * An HTTP server on 127.0.0.1 that serves one file at `/file` with Range, as a mirror would, and
 * misbehaves as told: slow, lying about some pieces, or dying half way.
 */
export async function faultServer(file: Buffer, fault: Fault = {}): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const bucket = { nextAt: 0 };
  let dead = false;
  const state = { sent: 0, requests: 0 };
  const server: Server = createServer(async (request, response) => {
    state.requests++;
    if (fault.answerAfterMs) await new Promise((resolve) => setTimeout(resolve, fault.answerAfterMs));
    if (dead) return void response.socket?.destroy();
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    // The file at any path, as a mirror's folder holds it; nothing published beside it but a Metalink if given.
    if (fault.metalink && request.url?.endsWith('.meta4')) return void response.end(fault.metalink);
    if (/\.(meta4|sha256|torrent)$/.test(request.url ?? '')) return void response.writeHead(404).end();
    if (!range || fault.noRanges) return void response.writeHead(200, { 'Content-Length': file.length }).end(file);
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), file.length - 1);
    let body = Buffer.from(file.subarray(start, end + 1));
    if (fault.corrupt) {
      for (const piece of fault.corrupt.pieces) {
        const at = piece * fault.corrupt.pieceLength - start;
        if (at >= 0 && at < body.length) body[at] = body[at]! ^ 0xff;
      }
    }
    if (fault.diesAfter !== undefined && state.sent + body.length > fault.diesAfter) {
      body = body.subarray(0, Math.max(0, fault.diesAfter - state.sent));
      dead = true;
    }
    response.writeHead(206, {
      'Content-Range': `bytes ${start}-${end}/${file.length}`,
      'Content-Length': end - start + 1,
    });
    const send = fault.bytesPerSecond
      ? throttled(response, body, bucket, fault.bytesPerSecond)
      : new Promise<void>((resolve) => response.write(body, () => resolve()));
    void send.then(() => {
      state.sent += body.length;
      if (dead) for (const socket of sockets) socket.destroy();
      else response.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
  return {
    url,
    get sent() {
      return state.sent;
    },
    get requests() {
      return state.requests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
