/** The browser's inflate, in place of src/bundle/inflate.ts (viewer/build.mjs swaps them when it is imported from src/). */
export async function inflateAtMost(data: Uint8Array, limit: number): Promise<Buffer> {
  const stream = new Blob([new Uint8Array(data)]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (let step = await reader.read(); !step.done; step = await reader.read()) {
    length += step.value.length;
    if (length > limit) {
      await reader.cancel();
      throw new Error(`it inflates to more than ${limit} bytes`);
    }
    chunks.push(step.value);
  }
  return Buffer.concat(chunks);
}

export async function inflateExactly(data: Uint8Array, size: number): Promise<Buffer> {
  const result = await inflateAtMost(data, size + 1);
  if (result.length !== size) throw new Error(`it inflates to ${result.length} bytes, not ${size}`);
  return result;
}
