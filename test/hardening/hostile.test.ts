// Hostile names and values, property-based (issue 4, item 1). fast-check generates profile
// names and credential values from printable ASCII, quotes of every kind, `$()`, backticks,
// `;`, `|`, `&`, `\`, `!`, `%`, globs, leading `-`, very long strings and non-ASCII, with a fixed
// seed (AWSP_FC_SEED overrides it; it is printed). Each property takes 1,000 cases, batched so
// that each shell starts once per property: the names are written into the AWS files (config
// `[profile '...']` headers quoted the way botocore's shlex reads them, the rest as raw
// credentials sections), and one bash, zsh and fish session loops over all of them.
//   1. `awsp use NAME` (`awsp use -- NAME` for a leading `-`; without `--` such a name is
//      refused with one line and AWS_PROFILE untouched) sets AWS_PROFILE to exactly NAME.
//   2. `awsp list` prints every name exactly, one a line; status prints the name (bidi controls
//      escaped) and runs nothing.
//   3. every format of src/formats.ts, evaluated in its own shell (eval / source) or parsed back
//      (JSON.parse, python-dotenv, `set -a; .` in sh, docker's env-file rule), round-trips the
//      values byte for byte; env and dotenv refuse what they cannot carry with a UserError.
//   4. bash's registered completion function, called as bash calls it, offers each name quoted
//      so that the completed word means the name, and runs nothing.
// Across all of them: the canary (any file named CANARY*) is never created, no stderr holds a
// stack frame, and the AWS files are byte-for-byte unchanged. The last test prints
// `hostile: cases N, executions 0, stack traces 0, files damaged 0` and asserts the zeros.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { shlexSplit } from '../../src/config/shlex.js';
import { type Credentials, FORMATS, render } from '../../src/formats.js';
import { UserError } from '../../src/errors.js';
import { escapeText, hasUnsafeText } from '../../src/text.js';
import { AWSP_BIN, type Result, sandbox, type Sandbox, SHELLS, type ShellName, shellArgs } from '../helpers/sandbox.js';
import { COMMANDS } from '../../src/commands/table.js';

const SEED = Number(process.env.AWSP_FC_SEED ?? 0x5eed_a0b5);
const RUNS = 1000;
process.stdout.write(`hostile: fast-check seed ${SEED} (set AWSP_FC_SEED to replay another), ${RUNS} cases per property\n`);

// ---- generators ----------------------------------------------------------------------------

const INJECT = [
  '$(touch CANARY)', '`touch CANARY`', ';touch CANARY', '|touch CANARY', '&touch CANARY&', '&&touch CANARY', '||touch CANARY',
  '>CANARY', '>>CANARY2', '<(touch CANARY3)', '=(touch CANARY4)', '(touch CANARY5)', '$(touch CANARY6)', "';touch CANARY7;'",
  '";touch CANARY8;"', '\\";touch CANARY9;#',
];
const FRAGMENTS = [
  ...INJECT.filter(Boolean),
  "'", '"', '`', '\\', "\\'", '\\\\', '$', '${', '}', '$HOME', '${IFS}', "$'\\x41'", '$"x"', '!', '!!', '!-1', '^', '%', '%s', '%n', '%%', '%1$s',
  '*', '?', '[a]', '[!a]', '{a,b}', '~', '~root', '#', '=', ':', '@', ',', '-', '--', '-r', '--region', ' ', '  ', '(', ')', '<', '>',
  '\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '‘x’', 'ü', 'é', 'e\u0301', '日本語', '😀', 'Ω', '\u00a0', '\u200b', '\u202e', 'ß',
  '1', '1.0', '0x1', 'NaN', 'DEFAULT', 'default', 'profile', 'use', 'list',
];
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const nonAscii = fc.oneof(
  fc.constantFrom('ü', 'é', 'ñ', '日', '本', '😀', '🦀', 'Ω', 'Ж', 'א', '\u00a0', '\u200b', '\u2018', '\u2019', 'ß', 'ﬁ'),
  fc.integer({ min: 0xa1, max: 0xd7ff }).map((c) => String.fromCodePoint(c)),
);
const piece = fc.oneof({ weight: 5, arbitrary: printable }, { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: nonAscii });
const shortText = fc.array(piece, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const longText = fc.tuple(shortText, fc.integer({ min: 300, max: 1500 }), shortText).map(([a, n, b]) => a + 'x'.repeat(n) + b);
const nameArb = fc
  .tuple(fc.oneof({ weight: 1, arbitrary: fc.constant('-') }, { weight: 80, arbitrary: fc.constant('') }), fc.oneof({ weight: 20, arbitrary: shortText }, { weight: 1, arbitrary: longText }))
  .map(([a, b]) => a + b);

/** Names awsp supports and the AWS files can hold: not empty, no control characters, not [DEFAULT]. */
const usable = (n: string): boolean => n !== '' && n !== 'DEFAULT' && !/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(n);

function sampleNames(seed: number): string[] {
  const out = new Set<string>();
  let s = seed;
  while (out.size < RUNS) {
    for (const n of fc.sample(nameArb, { seed: s++, numRuns: RUNS })) if (usable(n) && out.size < RUNS) out.add(n);
  }
  return [...out];
}

/** Python's shlex.quote: what a config-file header needs for botocore to read the name back. */
const shlexQuote = (s: string): string => `'${s.replace(/'/g, `'"'"'`)}'`;

interface Files {
  config: string[];
  credentials: string[];
  /** In `awsp list` order: config names, then credentials names. */
  all: string[];
}

function writeNames(sb: Sandbox, names: string[]): Files {
  const config: string[] = [];
  const credentials: string[] = [];
  names.forEach((n, i) => {
    const parts = shlexSplit(`profile ${shlexQuote(n)}`);
    if (i % 2 === 0 && parts?.length === 2 && parts[1] === n) config.push(n);
    else credentials.push(n);
  });
  sb.writeConfig(config.map((n) => `[profile ${shlexQuote(n)}]\nregion = us-east-1\n`).join(''));
  sb.writeCredentials(credentials.map((n) => `[${n}]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n`).join(''));
  return { config, credentials, all: [...config, ...credentials] };
}

// ---- the counts ----------------------------------------------------------------------------

const counts = { cases: 0, executions: 0, stackTraces: 0, filesDamaged: 0 };
const FRAME = /^ {4}at /m;

/** Every CANARY* file under `dir` (a name that ran), removed so that the next check starts clean. */
function canaries(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('CANARY')) found.push(join(d, e.name));
      else if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(dir);
  return found;
}

/** Checks a session's side effects and adds them to the counts; returns what went wrong. */
function audit(sb: Sandbox, r: Result, snapshot: { config: string; credentials: string }): string[] {
  const bad: string[] = [];
  const ran = canaries(sb.dir);
  counts.executions += ran.length;
  if (ran.length) bad.push(`executed: ${ran.join(', ')}`);
  if (FRAME.test(r.stderr)) {
    counts.stackTraces += 1;
    bad.push(`stack trace on stderr:\n${r.stderr.slice(0, 2000)}`);
  }
  for (const f of ['config', 'credentials'] as const) {
    if (readOr(sb[f]) !== snapshot[f]) {
      counts.filesDamaged += 1;
      bad.push(`${f} file changed`);
    }
  }
  return bad;
}

const readOr = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');
const snap = (sb: Sandbox) => ({ config: readOr(sb.config), credentials: readOr(sb.credentials) });

/** sandbox.ts's run(), but asynchronous, so that the three shells of a property run side by side. */
function runAsync(shell: ShellName, sb: Sandbox, script: string, timeout = 120_000): Promise<Result> {
  const [cmd, ...args] = shellArgs(shell, script);
  return new Promise((resolve, reject) => {
    const p = spawn(cmd!, args, { cwd: sb.dir, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'], timeout });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => reject(new Error(`cannot run ${shell}: ${e.message}`)));
    p.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const US = '\x1f'; // between fields
const RS = '\x1e'; // between records
const records = (text: string): string[][] => text.split(RS).slice(0, -1).map((r) => r.split(US));

/** Reads NUL-separated words from fd 3... in each shell's own way; the loop body sees $n. */
function loopNames(shell: ShellName, file: string, body: string): string {
  if (shell === 'fish') return `while read -z n\n${body}\nend <${file}`;
  if (shell === 'zsh') return `while IFS= read -r -d '' -u 3 n; do\n${body}\ndone 3<${file}`;
  return `while IFS= read -r -d '' -u 3 n; do\n${body}\ndone 3<${file}`;
}

// ---- 1 and 2: switch, list, status ----------------------------------------------------------

const NAMES = sampleNames(SEED);
const DASH = NAMES.filter((n) => n.startsWith('-'));
/** Leading-dash names tried without `--` (each starts Node twice): the refusal, per shell. */
const REFUSE = DASH.slice(0, 5);
/** Names whose status is printed through the real shell function (each starts Node). */
const STATUS = NAMES.filter((n, i) => i % 50 === 7);

function switchScript(shell: ShellName, out: string): string {
  const emit =
    shell === 'fish'
      ? `if set -q AWS_PROFILE; builtin printf '%s\\x1f=%s\\x1e' $rc "$AWS_PROFILE" >>${out}; else; builtin printf '%s\\x1f!\\x1e' $rc >>${out}; end`
      : `if [[ -n \${AWS_PROFILE+x} ]]; then \\builtin printf '%s\\x1f=%s\\x1e' "$rc" "$AWS_PROFILE" >>${out}; else \\builtin printf '%s\\x1f!\\x1e' "$rc" >>${out}; fi`;
  const unset = shell === 'fish' ? 'set -e -g AWS_PROFILE' : '\\builtin unset AWS_PROFILE';
  const body =
    shell === 'fish'
      ? `${unset}\nif string match -q -- '-*' $n; awsp use -- $n; else; awsp use $n; end\nset rc $status\n${emit}`
      : `${unset}\nif [[ $n == -* ]]; then awsp use -- "$n"; else awsp use "$n"; fi\nrc=$?\n${emit}`;
  const refuseBody =
    shell === 'fish'
      ? `${unset}\nawsp use $n 2>err\nset rc $status\n${emit}\nbuiltin printf '%s\\x1e' (string collect <err) >>${out}`
      : `${unset}\nawsp use "$n" 2>err\nrc=$?\n${emit}\n\\builtin printf '%s\\x1e' "$(<err)" >>${out}`;
  return [loopNames(shell, 'names', body), loopNames(shell, 'refuse', refuseBody)].join('\n') + '\n';
}

function listScript(shell: ShellName, out: string): string {
  const body =
    shell === 'fish'
      ? `set -gx AWS_PROFILE $n\nawsp >>${out}\nbuiltin printf '\\x1e' >>${out}`
      : `\\builtin export AWS_PROFILE="$n"\nawsp >>${out}\n\\builtin printf '\\x1e' >>${out}`;
  return `awsp list >list.out\nawsp list --json >list.json\n${loopNames(shell, 'status', body)}\n`;
}

const writeNul = (sb: Sandbox, file: string, names: string[]) => sb.write(file, names.map((n) => `${n}\0`).join(''));

describe('hostile names: switch, list and status in bash, zsh and fish', { concurrency: true }, () => {
  for (const shell of SHELLS) {
    it(`${shell}: awsp use NAME sets AWS_PROFILE to exactly NAME, for ${RUNS} generated names`, async () => {
      const sb = sandbox();
      try {
        const files = writeNames(sb, NAMES);
        const before = snap(sb);
        writeNul(sb, 'names', files.all);
        writeNul(sb, 'refuse', REFUSE);
        const r = await runAsync(shell, sb, switchScript(shell, 'switch.out'));
        const recs = records(readFileSync(join(sb.dir, 'switch.out'), 'utf8'));
        counts.cases += files.all.length + REFUSE.length;
        const bad: string[] = audit(sb, r, before);
        const got = recs.slice(0, files.all.length);
        assert.equal(got.length, files.all.length, `${shell} switched ${got.length} of ${files.all.length} names\n${r.stderr.slice(0, 3000)}`);
        files.all.forEach((n, i) => {
          const [rc, v] = got[i]!;
          if (rc !== '0' || v !== `=${n}`) bad.push(`awsp use ${n.startsWith('-') ? '-- ' : ''}${JSON.stringify(n)}: exit ${rc}, AWS_PROFILE ${JSON.stringify(v)}`);
        });
        // Without `--`, a leading `-` is an option: refused in one line, AWS_PROFILE left unset.
        REFUSE.forEach((n, i) => {
          const [rc, v] = recs[files.all.length + 2 * i] ?? [];
          const err = recs[files.all.length + 2 * i + 1]?.[0] ?? '';
          if (rc === '0' || v !== '!') bad.push(`awsp use ${JSON.stringify(n)} was not refused: exit ${rc}, AWS_PROFILE ${v}`);
          if (!/^awsp: .+$/.test(err) || err.includes('\n')) bad.push(`awsp use ${JSON.stringify(n)}: not one clear line: ${JSON.stringify(err)}`);
        });
        assert.equal(r.stderr, '', `${shell}: stderr during switching`);
        assert.deepEqual(bad.slice(0, 20), [], `${shell}: ${bad.length} failures (first 20 shown)`);
      } finally {
        sb.cleanup();
      }
    });

    it(`${shell}: awsp list prints every name exactly, and status prints names without running them`, async () => {
      const sb = sandbox();
      try {
        const files = writeNames(sb, NAMES);
        const before = snap(sb);
        writeNul(sb, 'status', STATUS);
        const r = await runAsync(shell, sb, listScript(shell, 'status.out'));
        counts.cases += files.all.length + STATUS.length;
        const bad = audit(sb, r, before);
        const listed = readFileSync(join(sb.dir, 'list.out'), 'utf8');
        assert.equal(listed, files.all.map((n) => `${n}\n`).join(''), `${shell}: awsp list differs`);
        const json = JSON.parse(readFileSync(join(sb.dir, 'list.json'), 'utf8')) as Array<{ name: string }>;
        assert.deepEqual(json.map((p) => p.name), files.all, `${shell}: awsp list --json differs`);
        const status = readFileSync(join(sb.dir, 'status.out'), 'utf8').split(RS).slice(0, -1);
        assert.equal(status.length, STATUS.length);
        STATUS.forEach((n, i) => {
          if (!status[i]!.startsWith(`profile '${escapeText(n)}' (`)) bad.push(`status for ${JSON.stringify(n)}: ${JSON.stringify(status[i]!.slice(0, 200))}`);
        });
        assert.equal(r.stderr, '', `${shell}: stderr during list/status`);
        assert.deepEqual(bad.slice(0, 20), [], `${shell}: ${bad.length} failures`);
      } finally {
        sb.cleanup();
      }
    });
  }

  it(`status (in-process, every 4th name: each call re-reads both files): prints the name as written and runs nothing`, async () => {
    const { statusCommand } = await import('../../src/commands/status.js');
    const sb = sandbox();
    try {
      const files = writeNames(sb, NAMES);
      const before = snap(sb);
      const bad: string[] = [];
      for (const n of files.all.filter((_, i) => i % 4 === 0)) {
        counts.cases += 1;
        const first = statusCommand({ ...sb.env, AWS_PROFILE: n }).split('\n')[0]!;
        if (!first.startsWith(`profile '${escapeText(n)}' (`)) bad.push(`${JSON.stringify(n)}: ${JSON.stringify(first.slice(0, 200))}`);
      }
      bad.push(...audit(sb, { code: 0, signal: null, stdout: '', stderr: '' }, before));
      assert.deepEqual(bad.slice(0, 20), []);
    } finally {
      sb.cleanup();
    }
  });
});

// ---- 1b: the fast path compares names as strings ----------------------------------------------

describe('a name that is not a profile is refused, even when it looks like a number', () => {
  // Minimal case: the only profile is `1`; `awsp use 1.0` must say there is no profile '1.0'.
  // awk's `$0 == ENVIRON["AWSP_NAME"]` compares two numeric strings as numbers (1 == 1.0).
  for (const shell of SHELLS) {
    it(`${shell}: awsp use 1.0 with only [1] is refused`, async () => {
      const sb = sandbox();
      try {
        sb.writeCredentials('[1]\naws_access_key_id = A\naws_secret_access_key = s\n');
        const before = snap(sb);
        const show = shell === 'fish' ? 'set -q AWS_PROFILE; and builtin printf %s "$AWS_PROFILE"' : '[[ -z ${AWS_PROFILE+x} ]] || \\builtin printf %s "$AWS_PROFILE"';
        const r = await runAsync(shell, sb, `awsp use 1.0\nbuiltin printf '<%s>' $${shell === 'fish' ? 'status' : '?'}\n${show}\n`);
        counts.cases += 1;
        assert.deepEqual(audit(sb, r, before), []);
        assert.equal(r.stdout, '<1>', `${shell}: awsp use 1.0 switched to a profile that does not exist (AWS_PROFILE after the <exit>: ${JSON.stringify(r.stdout)})`);
        assert.match(r.stderr, /^awsp: no profile '1\.0'/);
      } finally {
        sb.cleanup();
      }
    });
  }
});

// ---- 3: exports formats ----------------------------------------------------------------------

const valuePiece = fc.oneof({ weight: 6, arbitrary: printable }, { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS, '\n', '\n\n', '${HOME}', '$(touch CANARY)') }, { weight: 1, arbitrary: nonAscii });
const valueArb = fc.oneof(
  { weight: 20, arbitrary: fc.array(valuePiece, { maxLength: 16 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.array(valuePiece, { maxLength: 8 }), fc.integer({ min: 500, max: 5000 })).map(([a, n]) => a.join('') + 'Q'.repeat(n) + a.join('')) },
);
const credArb: fc.Arbitrary<Credentials> = fc.record({
  accessKeyId: valueArb,
  secretAccessKey: valueArb,
  sessionToken: fc.option(valueArb, { nil: undefined }),
  expiration: fc.option(fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => new Date(s * 1000)), { nil: undefined }),
});
const CREDS = fc.sample(credArb, { seed: SEED + 1, numRuns: RUNS });
const VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWSP_KEYS'] as const;
const isoTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What each variable must hold after the exports are evaluated (null: unset). */
function expected(c: Credentials): (string | null)[] {
  return [c.accessKeyId, c.secretAccessKey, c.sessionToken ?? null, null, c.expiration ? isoTime(c.expiration) : null, c.accessKeyId];
}
const setOnlyExpected = (c: Credentials): Record<string, string> =>
  Object.fromEntries(VARS.map((v, i) => [v, expected(c)[i]] as const).filter(([v, x]) => x !== null && v !== 'AWSP_KEYS')) as Record<string, string>;

function evalScript(shell: ShellName, n: number): string {
  const stale = shell === 'fish' ? VARS.map((v) => `set -gx ${v} stale`).join('; ') : VARS.map((v) => `\\builtin export ${v}=stale`).join('; ');
  const dumpVars =
    shell === 'fish'
      ? VARS.map((v) => `if set -q ${v}; builtin printf '=%s\\x1f' "$${v}" >>out; else; builtin printf '!\\x1f' >>out; end`).join('\n')
      : VARS.map((v) => `if [[ -n \${${v}+x} ]]; then \\builtin printf '=%s\\x1f' "$${v}" >>out; else \\builtin printf '!\\x1f' >>out; fi`).join('\n');
  const ev = shell === 'fish' ? 'source x/$i' : '\\builtin eval "$(<x/$i)"';
  const loop = shell === 'fish' ? `for i in (seq 0 ${n - 1})` : `for ((i = 0; i < ${n}; i++)); do`;
  return `${loop}\n${stale}\n${ev}\n${dumpVars}\nbuiltin printf '\\x1e' >>out\n${shell === 'fish' ? 'end' : 'done'}\n`;
}

/** PowerShell's verbatim strings (no pwsh here): `$Env:N = '...'` with a doubled quote-class character as one. */
function parsePowershell(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const Q = "'\u2018\u2019\u201a\u201b";
  let i = 0;
  while (i < text.length) {
    const rm = /^Remove-Item -Path Env:(\w+) -ErrorAction SilentlyContinue\n/.exec(text.slice(i));
    if (rm) {
      out.set(rm[1]!, null);
      i += rm[0].length;
      continue;
    }
    const m = /^\$Env:(\w+) = '/.exec(text.slice(i));
    if (!m) throw new Error(`powershell: unexpected text at ${JSON.stringify(text.slice(i, i + 40))}`);
    i += m[0].length;
    let v = '';
    for (;;) {
      if (i >= text.length) throw new Error('powershell: unterminated string');
      const c = text[i]!;
      if (Q.includes(c)) {
        if (Q.includes(text[i + 1] ?? '')) {
          v += c;
          i += 2;
          continue;
        }
        i += 1;
        break;
      }
      v += c;
      i += 1;
    }
    if (text[i] !== '\n') throw new Error('powershell: text after a string');
    i += 1;
    out.set(m[1]!, v);
  }
  return out;
}

describe('exports: every format round-trips generated values', { concurrency: true }, () => {
  const bad: string[] = [];
  for (const shell of SHELLS) {
    it(`${shell}: ${RUNS} renderings evaluated in ${shell} give back every value byte for byte`, async () => {
      const sb = sandbox();
      try {
        const before = snap(sb);
        mkdirSync(join(sb.dir, 'x'));
        CREDS.forEach((c, i) => writeFileSync(join(sb.dir, 'x', String(i)), render(shell, c)));
        const r = await runAsync(shell, sb, evalScript(shell, CREDS.length), 120_000);
        counts.cases += CREDS.length;
        const errs = audit(sb, r, before);
        const recs = records(readFileSync(join(sb.dir, 'out'), 'utf8'));
        assert.equal(recs.length, CREDS.length, `${shell}: ${recs.length} of ${CREDS.length} evaluated\n${r.stderr.slice(0, 3000)}`);
        CREDS.forEach((c, i) => {
          const want = expected(c).map((v) => (v === null ? '!' : `=${v}`));
          const got = recs[i]!.slice(0, VARS.length);
          if (JSON.stringify(got) !== JSON.stringify(want)) errs.push(`${shell} case ${i} ${JSON.stringify(c)}: got ${JSON.stringify(got)}`);
        });
        assert.equal(r.stderr, '', `${shell}: stderr while evaluating`);
        assert.deepEqual(errs.slice(0, 10), [], `${errs.length} failures`);
      } finally {
        sb.cleanup();
      }
    });
  }

  it(`json, process, env, dotenv, powershell: ${RUNS} renderings each parse back (dotenv: python-dotenv and sh)`, () => {
    const sb = sandbox();
    try {
      const before = snap(sb);
      const errs: string[] = [];
      const dotenvOk: number[] = [];
      for (const [i, c] of CREDS.entries()) {
        const want = setOnlyExpected(c);
        for (const f of FORMATS) {
          if (f === 'bash' || f === 'zsh' || f === 'fish') continue;
          counts.cases += 1;
          let text: string;
          try {
            text = render(f, c);
          } catch (e) {
            // Only env and dotenv refuse, only for what they cannot carry, and say so in one line.
            const vals = Object.values(want);
            const cannot = f === 'env' ? vals.some((v) => /[\r\n]/.test(v)) : f === 'dotenv' ? vals.some((v) => /['\\$\r\n]/.test(v)) : false;
            if (!(e instanceof UserError) || !cannot || e.message.includes('\n')) errs.push(`${f} case ${i}: ${String(e)}`);
            if (vals.some((v) => e instanceof Error && v.length > 3 && e.message.includes(v))) errs.push(`${f} case ${i}: the error shows a value`);
            continue;
          }
          const fail = (got: unknown) => errs.push(`${f} case ${i} ${JSON.stringify(c)}: got ${JSON.stringify(got)}`);
          if (f === 'json') {
            const got = JSON.parse(text) as unknown;
            if (JSON.stringify(got) !== JSON.stringify(want)) fail(got);
          } else if (f === 'process') {
            const got = JSON.parse(text) as Record<string, unknown>;
            const w = { Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, ...(c.sessionToken !== undefined && { SessionToken: c.sessionToken }), ...(c.expiration && { Expiration: isoTime(c.expiration) }) };
            if (JSON.stringify(got) !== JSON.stringify(w)) fail(got);
          } else if (f === 'env') {
            // docker --env-file: the value is everything after the first `=`, to the end of the line.
            const got = Object.fromEntries(text.split('\n').slice(0, -1).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
            if (JSON.stringify(got) !== JSON.stringify(want)) fail(got);
          } else if (f === 'dotenv') {
            writeFileSync(join(sb.dir, `dotenv.${i}`), text);
            dotenvOk.push(i);
          } else if (f === 'powershell') {
            const got = parsePowershell(text);
            const w = new Map(VARS.map((v, k) => [v, expected(c)[k]!] as const));
            if (JSON.stringify([...got]) !== JSON.stringify([...w])) fail([...got]);
          }
        }
      }
      // python-dotenv, the reader most tools use, and `set -a; . ./.env` in sh.
      const py = spawnSync('python3', ['-c', 'import sys, json\nfrom dotenv import dotenv_values\nprint(json.dumps([dotenv_values(p) for p in sys.argv[1:]]))', ...dotenvOk.map((i) => `dotenv.${i}`)], { cwd: sb.dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(py.status, 0, py.stderr);
      const sh = spawnSync('sh', ['-c', `for f in "$@"; do (set -a; . "./$f"; printf '%s\\037%s\\037%s\\037%s\\036' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "\${AWS_SESSION_TOKEN-!}" "\${AWS_CREDENTIAL_EXPIRATION-!}"); done`, 'sh', ...dotenvOk.map((i) => `dotenv.${i}`)], { cwd: sb.dir, encoding: 'utf8', env: sb.env, maxBuffer: 1 << 28 });
      assert.equal(sh.stderr, '', sh.stderr);
      const pyGot = JSON.parse(py.stdout) as Record<string, string>[];
      const shGot = records(sh.stdout);
      dotenvOk.forEach((i, k) => {
        const want = setOnlyExpected(CREDS[i]!);
        if (JSON.stringify(pyGot[k]) !== JSON.stringify(want)) errs.push(`dotenv (python-dotenv) case ${i}: ${JSON.stringify(CREDS[i])} got ${JSON.stringify(pyGot[k])}`);
        const w = [want.AWS_ACCESS_KEY_ID, want.AWS_SECRET_ACCESS_KEY, want.AWS_SESSION_TOKEN ?? '!', want.AWS_CREDENTIAL_EXPIRATION ?? '!'];
        if (JSON.stringify(shGot[k]) !== JSON.stringify(w)) errs.push(`dotenv (sh) case ${i}: ${JSON.stringify(CREDS[i])} got ${JSON.stringify(shGot[k])}`);
      });
      errs.push(...audit(sb, { code: 0, signal: null, stdout: '', stderr: py.stderr + sh.stderr }, before));
      assert.ok(dotenvOk.length > RUNS / 10, `only ${dotenvOk.length} dotenv renderings were possible: the generator is too narrow`);
      assert.deepEqual(errs.slice(0, 10), [], `${errs.length} failures`);
    } finally {
      sb.cleanup();
    }
  });
  void bad;
});

// ---- 4: TAB completion in bash --------------------------------------------------------------

type Style = 'all' | 'min' | 'single' | 'double';
const SUBS = ['', 'use ', 'exports ', 'exec '];
const BREAKS = ` \t\n"'><=;|&(:@`;

/** What a user types for the first k characters of a name, in a quoting style (null: cannot). */
function typed(p: string, style: Style): string | null {
  switch (style) {
    case 'all':
      return p.replace(/[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/g, '\\$&');
    case 'min':
      return p.replace(/[^A-Za-z0-9_.\/:@+=,%\x80-\u{10ffff}-]/gu, '\\$&').replace(/^([~#])/, '\\$1');
    case 'single':
      return p.includes("'") ? null : `'${p}`;
    case 'double':
      return `"${p.replace(/[\\"$`]/g, '\\$&')}`;
  }
}

/** The text readline hands the completion function ($2): the word after the last unquoted break. */
function readlineText(word: string, style: Style): string {
  if (style === 'single' || style === 'double') return word.slice(1);
  let start = 0;
  for (let i = 0; i < word.length; i++) {
    if (word[i] === '\\') i++;
    else if (BREAKS.includes(word[i]!)) start = i + 1;
  }
  return word.slice(start);
}

describe('bash TAB completion of generated names', () => {
  it(`the registered function offers each of ${RUNS} names so that the completed word means it, and runs nothing`, () => {
    const sb = sandbox();
    try {
      const files = writeNames(sb, NAMES);
      const before = snap(sb);
      const picks = fc.sample(fc.tuple(fc.constantFrom<Style>('all', 'min', 'single', 'double'), fc.nat(3), fc.constantFrom(...SUBS)), { seed: SEED + 2, numRuns: RUNS });
      const cases: { name: string; line: string; text: string; before: string; close: string; sub: string; style: Style; full: boolean }[] = [];
      files.all.forEach((name, i) => {
        let [style, cut, sub] = picks[i]!;
        const chars = [...name];
        const p = chars.slice(0, Math.max(1, chars.length - cut)).join('');
        let word = typed(p, style);
        if (word === null) [style, word] = ['all', typed(p, 'all')!];
        const text = readlineText(word, style);
        const line = `awsp ${sub}${word}`;
        cases.push({ name, line, text, before: line.slice(0, line.length - text.length).slice(`awsp ${sub}`.length), close: style === 'single' ? "'" : style === 'double' ? '"' : '', sub, style, full: p === name });
      });
      // One bash: call the function as bash does, then evaluate every reply as the rest of the word.
      writeNul(sb, 'lines', cases.flatMap((c) => [c.line, c.text, c.before, c.close]));
      const script = [
        'f=$(complete -p awsp); f=${f##*-F }; f=${f%% *}',
        'exec 4>out',
        "while IFS= read -r -d '' -u 3 line && IFS= read -r -d '' -u 3 text && IFS= read -r -d '' -u 3 before && IFS= read -r -d '' -u 3 close; do",
        '  COMP_LINE=$line; COMP_POINT=${#line}; COMP_WORDS=(awsp x); COMP_CWORD=1',
        '  COMPREPLY=(); "$f" awsp "$text" ""',
        '  for r in ${COMPREPLY[@]+"${COMPREPLY[@]}"}; do',
        '    \\builtin eval "set -- ${before}${r}${close}"',
        "    \\builtin printf '%s\\x1f' \"$1\" >&4",
        '  done',
        "  \\builtin printf '\\x1e' >&4",
        'done 3<lines',
      ].join('\n');
      const r = spawnSync('bash', ['--noprofile', '--norc', '-c', `eval "$(awsp init bash)"\n${script}`], { cwd: sb.dir, env: sb.env, encoding: 'utf8', timeout: 120_000 });
      counts.cases += cases.length;
      const errs = audit(sb, { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }, before);
      const recs = records(readFileSync(join(sb.dir, 'out'), 'utf8'));
      assert.equal(recs.length, cases.length, `completed ${recs.length} of ${cases.length}\n${r.stderr.slice(0, 3000)}`);
      const known = new Set(files.all);
      cases.forEach((c, i) => {
        const meant = recs[i]!.slice(0, -1);
        // A leading `-` completes options, not names; every other name must be among the offers.
        // Inside '...' a name with a ' cannot be offered (the function leaves such names out).
        // A word typed in full up to a word break (`D=`) leaves readline nothing to complete.
        // A name with a bidi control is left out of TAB menus (shown raw there), and switched to through Node.
        const offerable = !c.name.startsWith('-') && !(c.style === 'single' && c.name.includes("'")) && !(c.text === '' && c.full) && !hasUnsafeText(c.name);
        if (offerable && !meant.includes(c.name)) errs.push(`${JSON.stringify(c.line)} (text ${JSON.stringify(c.text)}): ${JSON.stringify(c.name)} not offered; offers mean ${JSON.stringify(meant.slice(0, 5))}`);
        const subcommands = c.sub === '' ? COMMANDS.filter((x) => !x.hidden).map((x) => x.name) : [];
        // A word starting with `-` is completed with options.
        for (const m of meant) if (!known.has(m) && !subcommands.includes(m) && !m.startsWith('-')) errs.push(`${JSON.stringify(c.line)}: an offer means ${JSON.stringify(m)}, which is no profile`);
      });
      assert.equal(r.stderr, '', 'stderr while completing');
      assert.deepEqual(errs.slice(0, 10), [], `${errs.length} failures`);
    } finally {
      sb.cleanup();
    }
  });
});

// ---- the counts ------------------------------------------------------------------------------

after(() => {
  process.stdout.write(`hostile: cases ${counts.cases}, executions ${counts.executions}, stack traces ${counts.stackTraces}, files damaged ${counts.filesDamaged} (seed ${SEED})\n`);
});

describe('hostile: counts', () => {
  it('nothing executed, no stack trace, no file damaged', () => {
    assert.deepEqual({ executions: counts.executions, stackTraces: counts.stackTraces, filesDamaged: counts.filesDamaged }, { executions: 0, stackTraces: 0, filesDamaged: 0 });
    assert.ok(counts.cases >= 11 * RUNS, `only ${counts.cases} cases ran`);
  });
});

void AWSP_BIN;
