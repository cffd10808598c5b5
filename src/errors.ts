/** Stable codes let scripts and tests tell failures apart without parsing messages. */
export type FerryErrorCode =
  | 'INPUT_MISSING'
  | 'INPUT_EMPTY'
  | 'INPUT_INVALID'
  | 'OUTPUT_INVALID'
  | 'NOT_A_BUNDLE'
  | 'BUNDLE_CORRUPT'
  /** An entry's bytes are not those recorded: the file rotted or was damaged in a copy. */
  | 'ENTRY_DAMAGED'
  /** The file changed under a reader that had it open: it is being replaced. */
  | 'BUNDLE_CHANGED'
  | 'ENTRY_NOT_FOUND'
  /** The server cannot take this on now (out of file handles); the same request will work later. */
  | 'SERVER_BUSY'
  | 'USAGE';

/** An error meant for a person: the message says what went wrong and what to do. */
export class FerryError extends Error {
  readonly code: FerryErrorCode;

  constructor(code: FerryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FerryError';
    this.code = code;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
