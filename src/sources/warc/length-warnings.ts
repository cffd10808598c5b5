/**
 * warcio reports a record longer than its Content-Length on the console ("Content-Length Too
 * Small") and reads on; ferry takes it as damage. While a read is open, that warning is caught
 * instead of printed; reads run one at a time, so one flag serves.
 */
const PREFIX = 'Content-Length Too Small';
let open = 0;
let seen = false;
let original: typeof console.warn | undefined;

/** A stray byte or two after a record is a writer's quirk (pywb's own sample has one); more is a body cut off. */
const STRAY_BYTES = 2;

function catching(...args: unknown[]): void {
  if (typeof args[0] !== 'string' || !args[0].startsWith(PREFIX)) return void original?.(...args);
  const remainder = Number(/Remainder Length: (\d+)/.exec(args[0])?.[1] ?? Infinity);
  if (remainder > STRAY_BYTES) seen = true;
}

export function quietLengthWarnings(): { take(): boolean; release(): void } {
  if (open++ === 0) {
    original = console.warn;
    console.warn = catching;
  }
  let released = false;
  return {
    /** Whether warcio has reported a record too long since the last call. */
    take: () => {
      const was = seen;
      seen = false;
      return was;
    },
    release: () => {
      if (released) return;
      released = true;
      if (--open === 0 && original) {
        console.warn = original;
        original = undefined;
      }
    },
  };
}
