// Builds each target's module into dist/ as Shopify CLI does (esbuild,
// one minified ES module per target, Preact bundled), and checks each
// against Shopify's limit for UI extensions on API version 2025-10 and
// later: 64 KB of compressed JavaScript per extension
// (https://shopify.dev/docs/apps/build/app-extensions/optimize-bundle-size).
// The two targets' modules are counted together, as one extension.
import {build} from 'esbuild';
import {readFileSync} from 'node:fs';
import {gzipSync} from 'node:zlib';

export const LIMIT = 64 * 1024;
const targets = ['ThankYou', 'OrderStatus'];

await build({
  entryPoints: targets.map((t) => `src/${t}.jsx`),
  outdir: 'dist',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});

let total = 0;
for (const t of targets) {
  const code = readFileSync(`dist/${t}.js`);
  if (/\beval\s*\(|new Function\s*\(/.test(code.toString())) {
    console.error(`dist/${t}.js uses eval or new Function, which UI extensions may not`);
    process.exit(1);
  }
  const size = gzipSync(code, {level: 9}).length;
  total += size;
  console.log(`dist/${t}.js: ${code.length} bytes, ${size} compressed`);
}
if (total > LIMIT) {
  console.error(`the extension is ${total} compressed bytes, over Shopify's ${LIMIT}`);
  process.exit(1);
}
console.log(`extension: ${total} of ${LIMIT} compressed bytes`);
