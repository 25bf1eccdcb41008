// Bundles the extension into one CommonJS file. Type-checking is `npm run typecheck`.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const ctx = await esbuild.context({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/extension.js',
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  // vscode is provided by the host. ssh2's optional native addons are loaded in try/catch
  // and fall back to pure JS, so leaving them out of the bundle is safe.
  external: ['vscode', 'cpu-features', '*.node'],
  logLevel: 'info',
  metafile: true,
});

if (watch) {
  await ctx.watch();
} else {
  const result = await ctx.rebuild();
  await ctx.dispose();
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`dist/extension.js: ${(bytes / 1024).toFixed(0)} KiB${production ? ' (production)' : ''}`);
}
