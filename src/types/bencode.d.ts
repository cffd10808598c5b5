/** bencode ships no types: it encodes dictionaries, lists, strings, numbers and bytes as BitTorrent does. */
declare module 'bencode' {
  type Value = number | string | Uint8Array | Value[] | { [key: string]: Value | undefined };
  const bencode: { encode(value: Value): Uint8Array; decode(data: Uint8Array, encoding?: string): unknown };
  export default bencode;
}
