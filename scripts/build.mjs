// Bundles src/ into dist/ with esbuild: one small entry chunk for the everyday commands,
// and separate chunks for exports/exec (the AWS SDK and execa), loaded only on those paths.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some SDK packages are CommonJS and call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __awsp_createRequire } from 'node:module'; const require = __awsp_createRequire(import.meta.url);" },
});
