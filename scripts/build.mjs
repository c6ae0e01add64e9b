// Bundles src/ into dist/ with esbuild, as CommonJS (Node 20 spends ~12 ms starting its ES module
// loader, on every awsp run):
//   dist/load.cjs   runs the bundles below through V8's code cache (src/load.ts)
//   dist/cli.cjs    awsp itself: the everyday commands, and exports/exec without their dependencies
//   dist/sdk.cjs    the AWS SDK pieces of src/credentials/sdk.ts, loaded by exports, exec, login, logout and sso only
//   dist/execa.cjs  execa, loaded by exec only
//   dist/awsp.{bash,zsh,fish}, dist/awsp-lazy.*  the shell integration and what it reads at first use:
//                   shell/* with the command table rendered in (src/shells/render.ts); install.sh
//                   sources dist/awsp.*, `awsp init SHELL` prints both in one
// Then warm-up runs write the code caches of the bundles (dist/NAME[.FLAVOR].v8cache, see src/load.ts).
// Static keys as they are, and credentials from the session cache, need no SDK at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { barrels } from './barrels.mjs';
import { lazyBuiltins, webCrypto } from './lazy-builtins.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Build beside dist/ and swap it in, so an awsp (or a test) running meanwhile never finds
// dist/ half-written or gone for longer than two renames.
const dist = join(root, 'dist');
const next = join(root, `dist.next-${process.pid}`);
const old = join(root, `dist.old-${process.pid}`);

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // The SDK's ES module builds: esbuild drops what awsp never uses.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  // import.meta.url locates the package (src/root.ts, src/load.ts); in CommonJS it comes from __filename.
  define: { 'import.meta.url': '__awsp_import_meta_url' },
};
const META_URL = 'const __awsp_import_meta_url = require("node:url").pathToFileURL(__filename).href;';

// cli, sdk and execa are the body of a CommonJS module already inside Node's wrapper function:
// src/load.ts gives V8 the file's text as it is, and a copy of a bundle costs time too. Strict,
// as the ES modules they come from are (esbuild's own "use strict" comes after the banner).
const wrapped = (banner) => ({ banner: { js: `(function (exports, require, module, __filename, __dirname) {"use strict";${banner}` }, footer: { js: '})' } });

// cli.cjs shares dist/load.cjs with bin/awsp.cjs, and reaches the SDK and execa only through it.
const shared = {
  name: 'awsp-shared',
  setup(b) {
    b.onResolve({ filter: /[\\/]load\.js$/ }, () => ({ path: './load.cjs', external: true }));
    b.onResolve({ filter: /^(@aws-sdk\/|execa$)|[\\/]sdk\.js$/ }, (a) => ({
      errors: [{ text: `${a.path} would be bundled into cli.cjs; import its types only, and load it with loadBundle() (src/load.ts)` }],
    }));
  },
};

// The renderer and the SDK's region codes, bundled from src/ and run here. Beside the package,
// so that it finds the SDK in node_modules.
const renderer = join(root, `.render-${process.pid}.mjs`);
let render;
try {
  await build({ ...common, format: 'esm', define: {}, stdin: { contents: "export { renderIntegration } from './src/shells/render.ts'; export { sdkRegions } from './src/regions.ts';", resolveDir: root, sourcefile: 'render.js', loader: 'ts' }, outfile: renderer });
  render = await import(pathToFileURL(renderer).href);
} finally {
  rmSync(renderer, { force: true });
}
const regions = render.sdkRegions();

try {
  mkdirSync(next, { recursive: true });
  for (const shell of ['bash', 'zsh', 'fish']) {
    const template = (name) => readFileSync(join(root, 'shell', `${name}.${shell}`), 'utf8');
    const out = render.renderIntegration(shell, { main: template('awsp'), lazy: template('awsp-lazy') }, regions);
    writeFileSync(join(next, `awsp.${shell}`), out.main);
    writeFileSync(join(next, `awsp-lazy.${shell}`), out.lazy);
  }
  await Promise.all([
    build({ ...common, entryPoints: ['src/load.ts'], outfile: join(next, 'load.cjs'), banner: { js: META_URL } }),
    build({
      ...common,
      ...wrapped(META_URL),
      entryPoints: ['src/cli.ts'],
      outfile: join(next, 'cli.cjs'),
      plugins: [shared, lazyBuiltins(['crypto', 'child_process'])],
      // src/regions.ts: the codes, read from the SDK above rather than at run time.
      define: { ...common.define, AWSP_REGIONS: JSON.stringify(regions.map((r) => r.code).join(' ')) },
    }),
    build({
      ...common,
      ...wrapped(webCrypto.banner),
      entryPoints: ['src/credentials/sdk.ts'],
      outfile: join(next, 'sdk.cjs'),
      // Fewer bytes to read and to parse lazily. AWSP_BUILD_PLAIN=1 keeps it readable for a profiler.
      // Names are kept: the SDK tells its loggers apart by their class's name.
      minify: !process.env.AWSP_BUILD_PLAIN,
      keepNames: true,
      plugins: [lazyBuiltins(['crypto', 'fs/promises']), barrels],
      define: { ...common.define, ...webCrypto.define },
      // The SDK's import('node:http') and the like: require() them (src/load.ts runs no ES modules).
      supported: { 'dynamic-import': false },
    }),
    build({ ...common, ...wrapped(''), stdin: { contents: "export { execa } from 'execa';", resolveDir: root, sourcefile: 'execa.js' }, outfile: join(next, 'execa.cjs') }),
  ]);
  // src/load.ts reads the bundles as latin1, which is exact for ASCII (esbuild's default charset).
  for (const f of readdirSync(next)) {
    if (readFileSync(join(next, f)).some((byte) => byte > 0x7f)) throw new Error(`build: ${f} is not ASCII`);
  }
  warmUp(next);
  // The caches fit this Node only: ./install.sh rebuilds when another one runs it.
  writeFileSync(join(next, 'node-version'), `${process.version}\n`);
} catch (e) {
  // Nothing half-built stays behind; dist/ is as it was.
  rmSync(next, { recursive: true, force: true });
  throw e;
}

if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });

/**
 * Runs the heavy paths once against throwaway files, each writing the code cache of one bundle.
 * Nothing leaves the machine: the role's STS endpoint is a closed port on 127.0.0.1, so the run
 * goes through signing and the HTTP client, then fails to connect.
 */
function warmUp(dir) {
  const tmp = mkdtempSync(join(tmpdir(), 'awsp-build-'));
  try {
    mkdirSync(join(tmp, 'aws'));
    const config = join(tmp, 'aws', 'config');
    const credentials = join(tmp, 'aws', 'credentials');
    writeFileSync(
      config,
      '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/warm-up\nsource_profile = base\nregion = us-east-1\n' +
        '[sso-session warm-up]\nsso_start_url = https://warm-up.example/start\nsso_region = us-east-1\n',
    );
    writeFileSync(credentials, '[base]\naws_access_key_id = AKIAWARMUP\naws_secret_access_key = warm-up\n');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: tmp,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      XDG_CACHE_HOME: join(tmp, 'cache'),
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    // Each run ends the way it must (an error from a warm-up is a bug in that path, not noise).
    const refused = /cannot reach AWS .*ECONNREFUSED 127\.0\.0\.1:1\)/;
    const runs = [
      ['cli,sdk.role', ['exports', 'role', '--format', 'json'], refused],
      ['sdk.session', ['exports', 'base', '--format', 'json'], refused],
      ['execa', ['exec', 'base', '--no-session', '--', process.execPath, '-e', '0'], /^awsp: exporting the long-term keys/],
      // IAM Identity Center sign-in: client registration, built, signed off and sent (to nowhere).
      ['sdk.login', ['login', '--sso-session', 'warm-up', '--no-browser'], /cannot reach IAM Identity Center in us-east-1 .*ECONNREFUSED 127\.0\.0\.1:1\)/],
    ];
    // bin/awsp.cjs, for the folder being built.
    const bin = join(tmp, 'awsp.cjs');
    writeFileSync(bin, `require(${JSON.stringify(join(dir, 'load.cjs'))}).loadBundle('cli');\n`);
    for (const [names, args, expected] of runs) {
      const r = spawnSync(process.execPath, [bin, ...args], { env: { ...env, AWSP_BUILD_CODE_CACHE: names }, encoding: 'utf8', timeout: 60_000 });
      if (!expected.test(r.stderr ?? '')) throw new Error(`build: the warm-up 'awsp ${args.join(' ')}' went wrong:\n${r.stderr}`);
      for (const name of names.split(',')) {
        if (!existsSync(join(dir, `${name}.v8cache`))) throw new Error(`build: the warm-up wrote no code cache ${name}.v8cache`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
