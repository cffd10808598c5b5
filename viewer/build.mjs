// Builds the viewer's script and style into dist/viewer, where the server loads them from.
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
