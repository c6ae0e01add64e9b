// An esbuild plugin: Node built-ins that cost start-up time and that the everyday paths never
// need are loaded on first use. Measured on this Node (require() of each in a fresh process):
//   node:crypto         ~5 ms; the SDK imports it at the top of modules every fromIni() runs,
//                       and awsp's own session cache and SSO token names (sha1) import it too:
//                       every awsp command paid it, `list` and `status` included
//   node:child_process  ~6 ms; awsp imports it for credential_process, browsers and fzf, which
//                       `pick` loaded before its first frame (cli bundle only: the SDK promisifies
//                       exec, which needs the real function's custom promisify)
//   node:fs/promises    ~2 ms (it brings readline); the SDK only ever calls readFile(path),
//                       which fs.readFile (loaded with Node) does the same way, on the same thread pool.
// Each function of the module becomes a stand-in that loads the real one when called. Only
// functions: importing anything else (a class, a constant) from these modules fails the build.
import { builtinModules } from 'node:module';

const LAZY = {
  crypto: {},
  child_process: {},
  'fs/promises': {
    readFile: `(path, options) => new Promise((resolve, reject) => require("node:fs").readFile(path, options ?? {}, (e, data) => (e ? reject(e) : resolve(data))))`,
  },
};

async function contents(name) {
  const real = await import(`node:${name}`);
  const functions = Object.keys(real).filter((k) => k !== 'default' && /^[a-z]/.test(k) && typeof real[k] === 'function');
  const lines = ['let real;', `const load = () => (real ??= require("node:${name}"));`];
  for (const f of functions) lines.push(`export const ${f} = ${LAZY[name][f] ?? `(...a) => load().${f}(...a)`};`);
  // `import fs from "node:fs/promises"`: the same stand-ins, and the real module for anything else.
  lines.push(`export default new Proxy({ ${functions.join(', ')} }, { get: (o, k) => (k in o ? o[k] : load()[k]) });`);
  return lines.join('\n');
}

// Web Crypto too: the global `crypto` loads it (~4 ms) when first touched, and the SDK checks for
// crypto.randomUUID as it starts. In the SDK bundle `crypto` names this stand-in, which has the
// whole Crypto interface (the banner defines it, the define points the global at it).
export const webCrypto = {
  define: { crypto: '__awsp_web_crypto' },
  banner:
    'const __awsp_web_crypto = { getRandomValues: (a) => globalThis.crypto.getRandomValues(a), randomUUID: () => globalThis.crypto.randomUUID(), get subtle() { return globalThis.crypto.subtle; } };',
};

/** The plugin for the built-ins `names` (keys of LAZY). */
export function lazyBuiltins(names) {
  if (!names.every((m) => Object.hasOwn(LAZY, m) && builtinModules.includes(m))) throw new Error('lazy-builtins: not a Node built-in with a stand-in here');
  const filter = new RegExp(`^(node:)?(${names.map((n) => n.replace('/', '\\/')).join('|')})$`);
  return {
    name: 'awsp-lazy-builtins',
    setup(build) {
      build.onResolve({ filter }, (a) => (a.namespace === 'awsp-lazy' ? undefined : { path: a.path.replace(/^node:/, ''), namespace: 'awsp-lazy' }));
      build.onLoad({ filter: /.*/, namespace: 'awsp-lazy' }, async (a) => ({ contents: await contents(a.path), loader: 'js' }));
    },
  };
}
