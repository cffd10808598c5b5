/** The browser's inflate for search shards, in place of src/search/inflate.ts (viewer/build.mjs swaps them). */
export async function inflateExactly(data: Uint8Array, size: number): Promise<Buffer> {
  const stream = new Blob([new Uint8Array(data)]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const result = Buffer.from(await new Response(stream).arrayBuffer());
  if (result.length !== size) throw new Error(`it inflates to ${result.length} bytes, not ${size}`);
  return result;
}
