/** unbzip2-stream ships no types: it is a function that makes a bzip2-decoding transform stream. */
declare module 'unbzip2-stream' {
  import type { Transform } from 'node:stream';
  export default function unbzip2(): Transform;
}
