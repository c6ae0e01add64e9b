// Bundles src/ into dist/ with esbuild: one small entry chunk for the everyday commands,
// and separate chunks for exports/exec (the AWS SDK and execa), loaded only on those paths.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Build beside dist/ and swap it in, so an awsp (or a test) running meanwhile never finds
// dist/ half-written or gone for longer than two renames.
const dist = new URL('../dist', import.meta.url);
const next = new URL(`../dist.next-${process.pid}`, import.meta.url);
const old = new URL(`../dist.old-${process.pid}`, import.meta.url);
await build({
  entryPoints: ['src/cli.ts'],
  outdir: fileURLToPath(next),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The SDK's ES module builds: esbuild can drop what exports/exec never use, and the SDK's own
  // dynamic imports stay separate chunks (static keys never load the STS or SSO clients).
  mainFields: ['module', 'main'],
  target: 'node20',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some SDK packages are CommonJS and call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __awsp_createRequire } from 'node:module'; const require = __awsp_createRequire(import.meta.url);" },
});
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
