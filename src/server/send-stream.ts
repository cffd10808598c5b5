import type { Readable } from 'node:stream';
import type { Response } from 'express';

/**
 * Pipes a body into a response. Unlike stream.pipeline, which destroys the response on any error,
 * an error before the first byte leaves the response whole, so the error handler can still answer
 * with a status (503 while the file is being replaced); after it, the handler cuts the connection.
 * A client that goes away stops the reading.
 */
export function sendStream(body: Readable, response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    // A client that left while the body was being opened: nothing to send, nobody to wait for.
    if (response.destroyed) {
      body.destroy();
      return resolve();
    }
    body.once('error', (error) => {
      body.unpipe(response);
      reject(error);
    });
    response.once('close', () => {
      body.destroy();
      resolve();
    });
    response.once('finish', resolve);
    body.pipe(response);
  });
}
