// The bundle format code reads bytes with Buffer; in the browser the `buffer` package provides it.
export { Buffer } from 'buffer';
