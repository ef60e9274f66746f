// Builds the storefront demo: bundles src/main.js with the official oneentry
// SDK into one minified script (esbuild) and copies index.html and style.css
// next to it, into internal/storefront/dist, which the Go server embeds. The
// output is committed, so the server builds with the Go toolchain alone;
// rebuild it after changing src/ or the SDK pin:
//
//   go generate ./internal/storefront
//
// which runs, from the repository root's point of view,
//
//   npm ci --prefix internal/conformance/js   # the pinned SDK and esbuild
//   node web/storefront/build.mjs [--outdir DIR]
//
// The npm packages (oneentry, esbuild) live in internal/conformance/js, whose
// package-lock.json pins them for the conformance tests too.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const jsDir = path.join(root, 'internal/conformance/js');

const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = path.resolve(values.outdir ?? path.join(root, 'internal/storefront/dist'));

const require = createRequire(path.join(jsDir, 'package.json'));
let esbuild;
try {
  esbuild = require('esbuild');
} catch (err) {
  console.error(`esbuild is not installed in ${jsDir}: run \`npm ci --prefix internal/conformance/js\` first (${err.message})`);
  process.exit(1);
}
const sdk = JSON.parse(await readFile(path.join(jsDir, 'node_modules/oneentry/package.json'), 'utf8'));

// The SDK reaches for Node's https and buffer modules only on Node < 18,
// where fetch is missing; a browser never takes that path.
const nodeOnly = {
  name: 'node-only',
  setup(build) {
    build.onResolve({ filter: /^(https|buffer)$/ }, (args) => ({ path: args.path, namespace: 'node-only' }));
    build.onLoad({ filter: /.*/, namespace: 'node-only' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

// zod bundles error messages in ~50 languages (300 KiB minified) behind
// z.locales; the SDK only uses the English default, which zod loads on its
// own. A zod without that file layout is bundled whole: larger, still right.
const englishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.cjs$/ }, (args) => ({
      contents: 'exports.en = require("./en.cjs").default;',
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

await mkdir(outdir, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [path.join(here, 'src/main.js')],
  outfile: path.join(outdir, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari15.6'],
  nodePaths: [path.join(jsDir, 'node_modules')],
  plugins: [nodeOnly, englishOnly],
  banner: { js: `/* OpenEntry storefront demo (web/storefront), bundled with oneentry@${sdk.version}. */` },
  legalComments: 'eof',
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) {
  await copyFile(path.join(here, 'src', f), path.join(outdir, f));
}
for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB`);
}
