// An esbuild plugin that lets the AWS SDK start only the modules it uses.
//
// The SDK's packages import through barrels (index.js files made of `export { … } from "./x"`).
// In a bundle whose parts load lazily, esbuild keeps each module whole and starts it with all it
// imports, so one `import { setCredentialFeature } from "@aws-sdk/core/client"` starts ~250
// modules (and node:stream, through them) before static keys are read.
// This plugin rewrites such an import to name the files that define what it imports. It only
// touches barrels of packages that declare their side effects (package.json `sideEffects`), and
// still imports each file listed there, so what runs at start-up is what the SDK promises it needs.
// A name it cannot trace (an `export *`) keeps coming from the barrel.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?[ \t]*$/gm;
const REEXPORT = /^export\s*\{([^}]*)\}\s*from\s*"([^"]+)";?[ \t]*$/;
const STAR = /^export\s*\*\s*from\s*"([^"]+)";?[ \t]*$/;

/** `a, b as c` → [['a', 'a'], ['b', 'c']] (imported or exported name, local or exported name). */
const specifiers = (list) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [from, as] = s.split(/\s+as\s+/);
      return [from.trim(), (as ?? from).trim()];
    });

/** The statements of a barrel, or null when the file does anything besides re-export. */
function barrelStatements(text) {
  const body = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const statements = body.match(/^export[\s\S]*?;\s*$/gm) ?? [];
  const rest = statements.reduce((t, s) => t.replace(s, ''), body);
  if (rest.trim() !== '' || statements.length === 0) return null;
  return statements.map((s) => s.replace(/\s+/g, ' ').trim());
}

/** The package.json that governs a file, and its `sideEffects`. */
function packageOf(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name) return { dir, sideEffects: pkg.sideEffects };
    } catch {
      // No package.json here: go up.
    }
  }
  return null;
}

export const barrels = {
  name: 'awsp-barrels',
  setup(build) {
    const maps = new Map();

    const resolve = async (spec, from) => {
      const r = await build.resolve(spec, { resolveDir: dirname(from), kind: 'import-statement' });
      return r.errors.length === 0 && !r.external && r.namespace === 'file' && r.path.endsWith('.js') ? r.path : null;
    };

    /** For a barrel: exported name → [file, name there], and the files it re-exports. Null if not a barrel. */
    const barrelMap = (file, within = []) => {
      // Barrels that re-export each other: the inner one counts as a plain file (its names stay
      // imported from it, which is still right), instead of waiting on itself.
      if (within.includes(file)) return null;
      // Memoized as promises: esbuild loads files concurrently.
      if (!maps.has(file)) maps.set(file, readBarrel(file, [...within, file]));
      return maps.get(file);
    };
    const readBarrel = async (file, within) => {
      const statements = barrelStatements(readFileSync(file, 'utf8'));
      if (statements === null) return null;
      const names = new Map();
      const files = new Set();
      for (const s of statements) {
        const star = STAR.exec(s);
        const named = REEXPORT.exec(s);
        const target = await resolve((star ?? named)?.[star ? 1 : 2] ?? '', file);
        if (target === null) continue;
        files.add(target);
        const inner = await barrelMap(target, within);
        if (inner) for (const f of inner.files) files.add(f);
        if (!named) continue;
        for (const [name, as] of specifiers(named[1])) names.set(as, inner?.names.get(name) ?? [target, name]);
      }
      return { names, files };
    };

    /** The files of a barrel that its package says have side effects, or null if it does not say. */
    const sideEffectFiles = (barrel, files) => {
      const pkg = packageOf(barrel);
      if (!pkg || pkg.sideEffects === undefined || pkg.sideEffects === true) return null;
      if (pkg.sideEffects === false) return [];
      const listed = new Set(pkg.sideEffects.map((p) => p.replace(/^\.\//, '')));
      if (pkg.sideEffects.some((p) => p.includes('*'))) return null;
      return [...files].filter((f) => listed.has(relative(pkg.dir, f)));
    };

    build.onLoad({ filter: /[\\/]node_modules[\\/](@aws-sdk|@smithy)[\\/].*\.js$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      const edits = [];
      for (const m of text.matchAll(IMPORT)) {
        const target = await resolve(m[2], args.path);
        const map = target && (await barrelMap(target));
        const effects = map && sideEffectFiles(target, map.files);
        if (!map || effects === null) continue;
        const byFile = new Map();
        const kept = [];
        for (const [name, local] of specifiers(m[1])) {
          const found = map.names.get(name);
          if (!found) kept.push(`${name} as ${local}`);
          else byFile.set(found[0], [...(byFile.get(found[0]) ?? []), `${found[1]} as ${local}`]);
        }
        const lines = [...effects.map((f) => `import ${JSON.stringify(f)};`), ...[...byFile].map(([f, s]) => `import { ${s.join(', ')} } from ${JSON.stringify(f)};`)];
        if (kept.length > 0) lines.push(`import { ${kept.join(', ')} } from ${JSON.stringify(m[2])};`);
        edits.push([m.index, m[0].length, lines.join('\n')]);
      }
      if (edits.length === 0) return undefined;
      let out = text;
      for (const [at, length, replacement] of edits.reverse()) out = out.slice(0, at) + replacement + out.slice(at + length);
      return { contents: out, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};
