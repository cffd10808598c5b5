// Builds the viewer's script and style into dist/viewer, where the server loads them from, the
// standalone reader, and the CLI as one file.
import { build } from 'esbuild';

const common = { bundle: true, minify: true, logLevel: 'warning', legalComments: 'none' };
await build({
  ...common,
  entryPoints: ['viewer/src/main.ts'],
  outfile: 'dist/viewer/viewer.js',
  format: 'iife',
  target: ['es2017'],
});
await build({ ...common, entryPoints: ['viewer/style.css'], outfile: 'dist/viewer/viewer.css' });

// The search code loads lunr-languages with require; the reader imports them all ahead instead.
const browserLanguage = {
  name: 'browser-language',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/language\.js$/ }, (args) =>
      args.importer.replace(/\\/g, '/').endsWith('src/search/pipelines.ts')
        ? { path: new URL('reader/language.ts', import.meta.url).pathname }
        : undefined,
    );
    // The path index, search shards and titles are inflated with the browser's own
    // DecompressionStream, not node:zlib.
    builder.onResolve({ filter: /(^|\/)inflate\.js$/ }, (args) =>
      args.importer.replace(/\\/g, '/').includes('/src/')
        ? { path: new URL('reader/inflate.ts', import.meta.url).pathname }
        : undefined,
    );
  },
};

// The zstd package exports only its script; the reader imports its WebAssembly by this name.
const zstdWasm = {
  name: 'zstd-wasm',
  setup(builder) {
    builder.onResolve({ filter: /^ferry:zstd\.wasm$/ }, () => ({
      path: new URL('../node_modules/@bokuweb/zstd-wasm/dist/web/zstd.wasm', import.meta.url).pathname,
    }));
  },
};

// The standalone reader: one HTML file with its script inline, to open from a USB stick with file://.
const reader = await build({
  ...common,
  entryPoints: ['viewer/reader/main.ts'],
  write: false,
  format: 'iife',
  target: ['es2020'],
  inject: ['viewer/reader/buffer-shim.ts'],
  platform: 'browser',
  loader: { '.wasm': 'dataurl' },
  // The zstd package finds its .wasm beside itself by import.meta.url, which an inline script has
  // not; the reader hands it the inlined file instead, and the URL is only computed, never fetched.
  define: { 'import.meta.url': '"file:///ferry-reader/"' },
  plugins: [browserLanguage, zstdWasm],
});
const { readFile, writeFile, mkdir } = await import('node:fs/promises');
const template = await readFile('viewer/reader/reader.html', 'utf8');
const script = reader.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
await mkdir('dist/reader', { recursive: true });
await writeFile(
  'dist/reader/ferry-reader.html',
  template.replace('/*READER*/', () => script),
);

// The CLI as one module (dist/cli/ferry.mjs, the package's bin): Node loads one file where it
// loaded some 150, and starts in half the time. What a command needs only sometimes (packing,
// serving, search) stays behind dynamic imports, in chunks loaded when that command runs. CommonJS
// dependencies (express) call require, which an ES module has not: the banner gives them one.
// Chunks are named by their hash: those of an earlier build would stay beside the new ones.
const { rm } = await import('node:fs/promises');
// The server reads no request bodies, yet express loads body-parser at start, and with it
// iconv-lite's character tables: half of the server's code, some 20 ms and 10 MB of every start.
// express.json() and its kin are left undefined in the bundle.
const withoutRequestBodies = {
  name: 'without-request-bodies',
  setup(plugin) {
    plugin.onResolve({ filter: /^body-parser$/ }, () => ({ path: 'body-parser', namespace: 'left-out' }));
    plugin.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};
await rm('dist/cli', { recursive: true, force: true });
await build({
  entryPoints: { ferry: 'src/cli/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // Loaded from their own folders: zstd finds its WebAssembly beside itself, and the stemmers
  // are required by name at run time.
  external: ['@bokuweb/zstd-wasm', 'lunr-languages'],
  plugins: [withoutRequestBodies],
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
