/** The zstd decoder's WebAssembly, inlined by viewer/build.mjs as a data: URL. */
declare module 'ferry:zstd.wasm' {
  const url: string;
  export default url;
}
