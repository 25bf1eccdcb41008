// Bundles the extension into CommonJS. The heavy clients (dockerode, ssh2, client-node) are
// separate files loaded on first use, so activation reads ~100 KiB instead of megabytes.
// Type-checking is `npm run typecheck`.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Package → file under dist/vendor/, required lazily by the main bundle. */
const HEAVY = { dockerode: 'dockerode', ssh2: 'ssh2', '@kubernetes/client-node': 'client-node' };

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  // ssh2's optional native addons are loaded in try/catch and fall back to pure JS.
  external: ['vscode', 'cpu-features', '*.node'],
  logLevel: 'warning',
  metafile: true,
};

const heavyApart = {
  name: 'heavy-clients-apart',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(HEAVY).map((k) => k.replace(/[/@.-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./vendor/${HEAVY[args.path]}.js`, external: true }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    // import() of a vendor file becomes require(), which resolves next to extension.js.
    supported: { 'dynamic-import': false },
    plugins: [heavyApart],
  },
  {
    ...common,
    entryPoints: Object.fromEntries(Object.entries(HEAVY).map(([pkg, file]) => [file, pkg])),
    outdir: 'dist/vendor',
  },
];

const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  for (const c of contexts) {
    const result = await c.rebuild();
    await c.dispose();
    for (const [file, out] of Object.entries(result.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`${file}: ${(out.bytes / 1024).toFixed(0)} KiB${production ? ' (production)' : ''}`);
    }
  }
}
