// One place that starts real, clean shells with awsp loaded, for every test.
// Each sandbox has its own HOME, AWS files and cache, and a PATH holding only the built
// awsp, node and the system directories: the machine's own ~/.aws is never read.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ShellName = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly ShellName[] = ['bash', 'zsh', 'fish'];
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
// AWSP_TEST_BIN: run another build (e.g. a copy, while the tree is being rebuilt).
export const AWSP_BIN = process.env.AWSP_TEST_BIN ?? join(REPO, 'bin', 'awsp.cjs');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  home: string;
  config: string;
  credentials: string;
  /** The environment every shell in this sandbox starts with. */
  env: Record<string, string>;
  writeConfig(text: string): void;
  writeCredentials(text: string): void;
  /** Writes a file relative to the sandbox (parents created) and returns its path. */
  write(rel: string, text: string | Buffer, mode?: number): string;
  cleanup(): void;
}

export function sandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'awsp-test-'));
  const home = join(dir, 'home');
  const bin = join(dir, 'bin');
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(bin);
  symlinkSync(AWSP_BIN, join(bin, 'awsp'));
  const config = join(home, '.aws', 'config');
  const credentials = join(home, '.aws', 'credentials');
  const env: Record<string, string> = {
    HOME: home,
    PATH: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    XDG_CACHE_HOME: join(dir, 'cache'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    ...extraEnv,
  };
  const write = (rel: string, text: string | Buffer, mode?: number): string => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    if (mode !== undefined) chmodSync(p, mode);
    return p;
  };
  return {
    dir,
    home,
    config,
    credentials,
    env,
    writeConfig: (t) => writeFileSync(config, t),
    writeCredentials: (t) => writeFileSync(credentials, t),
    write,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * How the shells load the integration unless a test says otherwise. bash: the file install.sh's
 * line sources (dist/awsp.bash), which reads the switch and TAB from awsp-lazy.bash at first
 * use, the path users take; `awsp init bash` prints the two in one (checked in
 * test/startup.test.ts). zsh and fish: what `awsp init` prints.
 */
export function defaultLoad(shell: ShellName): string {
  return shell === 'bash' ? `. ${q('bash', join(REPO, 'dist', 'awsp.bash'))}` : initLoad(shell);
}

/**
 * defaultLoad for an rc file that runs after a hostile prelude: builtins called as such, and the
 * program by its path (`awsp` may be an alias or a function).
 */
export function hardenedLoad(shell: ShellName): string {
  if (shell === 'bash') return `\\builtin . ${q('bash', join(REPO, 'dist', 'awsp.bash'))}`;
  return shell === 'fish' ? 'command awsp init fish | source' : `\\builtin eval "$(\\command awsp init ${shell})"`;
}

/** What `awsp init SHELL` prints, loaded: the whole integration at once (for tests of its helpers). */
export const initLoad = (shell: ShellName): string => (shell === 'fish' ? 'awsp init fish | source' : `eval "$(awsp init ${shell})"`);

/** How a test loads the integration: defaultLoad, none (false), or 'init' (initLoad). */
export type Load = boolean | 'init';

/** The command line that starts `shell` clean, with the integration loaded, running `script`. */
export function shellArgs(shell: ShellName, script: string, opts: { strict?: boolean; load?: Load } = {}): string[] {
  const load = opts.load === false ? '' : `${opts.load === 'init' ? initLoad(shell) : defaultLoad(shell)}\n`;
  switch (shell) {
    case 'bash':
      return ['bash', '--noprofile', '--norc', ...(opts.strict ? ['-euo', 'pipefail'] : []), '-c', load + script];
    case 'zsh':
      return ['zsh', '-f', ...(opts.strict ? ['-euo', 'pipefail'] : []), '-c', load + script];
    case 'fish':
      return ['fish', '--no-config', '--private', '-c', load + script];
  }
}

/** Runs `script` in a real, clean `shell` inside the sandbox. A missing shell throws (it must fail, not skip). */
export function run(
  shell: ShellName,
  sb: Sandbox,
  script: string,
  opts: { strict?: boolean; load?: Load; env?: Record<string, string>; input?: string; timeout?: number } = {},
): Result {
  const [cmd, ...args] = shellArgs(shell, script, opts);
  const spawnOpts: SpawnSyncOptions = {
    cwd: sb.dir,
    env: { ...sb.env, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeout ?? 30_000,
  };
  const r = spawnSync(cmd!, args, spawnOpts);
  if (r.error) throw new Error(`cannot run ${shell}: ${r.error.message}`);
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs the awsp binary directly (no shell integration). */
export function awsp(sb: Sandbox, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Result {
  const r = spawnSync(AWSP_BIN, args, {
    cwd: sb.dir,
    env: { ...sb.env, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A readable dump for assertion messages. */
export const dump = (r: Result): string => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

/** The names cache's file name for the sandbox's two files (src/cache.ts cacheLocation). */
export function namesCacheName(sb: Sandbox): string {
  const enc = (p: string) => p.replace(/%/g, '%25').replace(/\//g, '%2F');
  return `names-${enc(sb.config)}%%${enc(sb.credentials)}`;
}

/** The names cache of the sandbox, under its XDG_CACHE_HOME. */
export const namesCachePath = (sb: Sandbox): string => join(sb.dir, 'cache', 'awsp', namesCacheName(sb));

/** A literal word for `shell` (POSIX single quotes for bash/zsh; fish escapes `\` and `'`). */
export function q(shell: ShellName, value: string): string {
  return shell === 'fish' ? `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'` : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The variables awsp may create or change in the user's shell. */
export const AWSP_VARS = /^(AWS_[A-Z_]+|AWSP_KEYS|AWSP_REGION)$/;

export type Mode = 'clean' | 'strict' | 'hostile';
export const MODES: readonly Mode[] = ['clean', 'strict', 'hostile'];

/**
 * Shell code run before the integration is loaded. `strict`: the options that break careless
 * shell code. `hostile`: strict, plus aliases and functions that would hijack any builtin or
 * command called without `\builtin`/`\command` (bash needs expand_aliases outside -i).
 */
export function prelude(shell: ShellName, mode: Mode): string {
  if (mode === 'clean') return '';
  const hostileWords = ['unset', 'command', 'builtin', 'local', 'printf', 'export', 'eval', 'return', 'continue', 'mapfile', 'complete', 'read', 'true', 'typeset', 'emulate', 'unfunction', 'unalias', 'compadd', 'compdef', 'awsp', 'echo', 'test', 'shift', 'break'];
  const hostileFns = ['grep', 'cat', 'awk', 'sed', 'tail', 'head', 'env', 'mapfile', 'printf', 'node', 'stat', 'date', 'tr', 'cut', 'wc', 'sort'];
  switch (shell) {
    case 'bash': {
      const strict = 'set -euo pipefail\nshopt -s nullglob failglob\n';
      if (mode === 'strict') return strict;
      return (
        strict +
        hostileFns.map((f) => `${f}() { \\builtin echo "HIJACKED ${f}" >&2; \\builtin return 99; }\n`).join('') +
        'shopt -s expand_aliases\n' +
        hostileWords.map((w) => `alias ${w}='\\builtin echo HIJACKED-${w} >&2; false '\n`).join('') +
        'IFS=:\n'
      );
    }
    case 'zsh': {
      const strict = 'set -euo pipefail\nsetopt nounset ksh_arrays no_clobber sh_word_split warn_create_global glob_subst rc_quotes\n';
      if (mode === 'strict') return strict;
      return (
        strict +
        hostileFns.map((f) => `function ${f} { \\builtin echo "HIJACKED ${f}" >&2; \\builtin return 99; }\n`).join('') +
        hostileWords.map((w) => `alias ${w}='\\builtin echo HIJACKED-${w} >&2; false '\n`).join('') +
        // oh-my-zsh's global aliases expand anywhere on a line, at parse time.
        `alias -g L='| less' G='| grep' H='| head' T='| tail' NUL='> /dev/null 2>&1'\n` +
        'IFS=:\n'
      );
    }
    case 'fish': {
      // fish has no strict mode; the hostile part is functions shadowing builtins and an empty IFS,
      // which stops command substitutions from splitting lines.
      if (mode === 'strict') return 'set -g IFS ""\n';
      return 'set -g IFS ""\n' + ['printf', 'count', 'contains', 'math', 'commandline', 'complete', 'functions', 'echo', 'env', 'cat', 'grep', 'awk', 'tail', 'path', 'type', 'abbr', 'node', 'awsp']
        .map((f) => `function ${f}; builtin echo "HIJACKED ${f}" >&2; return 99; end\n`).join('');
    }
  }
}

/**
 * Helpers for a batched scenario script, defined before the prelude so they stay immune to it:
 * `__t_state NAME...` prints `NAME=value` or `NAME!` (unset); `__t_dump FILE` writes every
 * variable with its value, one per line, for a before/after comparison.
 */
export function probes(shell: ShellName): string {
  switch (shell) {
    case 'bash':
      return [
        `__t_state() { \\builtin local __t_v; for __t_v in "$@"; do if [[ -n "\${!__t_v+x}" ]]; then \\builtin printf '%s=%s\\n' "$__t_v" "\${!__t_v}"; else \\builtin printf '%s!\\n' "$__t_v"; fi; done; }`,
        `__t_dump() { \\builtin declare -p >|"$1"; }`,
      ].join('\n') + '\n';
    case 'zsh':
      return [
        `__t_state() { \\builtin emulate -L zsh; \\builtin local __t_v; for __t_v in "$@"; do if (( \${(P)+__t_v} )); then \\builtin printf '%s=%s\\n' "$__t_v" "\${(P)__t_v}"; else \\builtin printf '%s!\\n' "$__t_v"; fi; done; }`,
        `__t_dump() { \\builtin emulate -L zsh; \\builtin typeset -p >|"$1"; }`,
      ].join('\n') + '\n';
    case 'fish':
      return [
        `function __t_state; for __t_v in $argv; if set -q $__t_v; builtin printf '%s=%s\\n' $__t_v "$$__t_v"; else; builtin printf '%s!\\n' $__t_v; end; end; end`,
        `function __t_dump; set -L >$argv[1]; end`,
      ].join('\n') + '\n';
  }
}

/** Variables a shell changes by itself between two commands: ignored when comparing dumps. */
const VOLATILE: Record<ShellName, RegExp> = {
  bash: /^(_|BASH_.*|BASHPID|COMP_.*|EPOCHREALTIME|EPOCHSECONDS|FUNCNAME|LINENO|PIPESTATUS|RANDOM|SECONDS|SRANDOM|__t_v)$/,
  zsh: /^(_|\?|status|pipestatus|LINENO|RANDOM|SECONDS|EPOCHREALTIME|EPOCHSECONDS|TTYIDLE|ERRNO|funcstack|funcfiletrace|funcsourcetrace|functrace|argv|__t_v|zsh_eval_context|ZSH_EVAL_CONTEXT|ZSH_SUBSHELL|aliases|galiases|saliases|dis_aliases|dis_galiases|dis_saliases|functions|functions_source|dis_functions|dis_functions_source|builtins|dis_builtins|commands|history|historywords|jobdirs|jobstates|jobtexts|modules|nameddirs|options|parameters|reswords|dis_reswords|patchars|dis_patchars|userdirs|usergroups|widgets|keymaps|termcap|terminfo|sysparams|errnos|mapfile|langinfo|zsh_scheduled_events|.*_?stats?)$/,
  fish: /^(_|argv|status|pipestatus|history|CMD_DURATION|fish_pid|fish_kill_signal|COLUMNS|LINES|__t_v|PWD|SHLVL|umask)$/,
};

/** Parses a `__t_dump` file into name -> the text that defines it (one entry per variable). */
export function parseDump(shell: ShellName, text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  for (const line of text.split('\n')) {
    const m =
      shell === 'fish'
        ? /^(\S+)(?: |$)/.exec(line)
        : /^(?:declare|typeset|export|readonly|local|integer|float)(?: -[-a-zA-Z0-9]+)* (?:-- )?([A-Za-z_][A-Za-z0-9_]*|[?#$!*@_0-9-])(?:=|$)/.exec(line);
    if (m && (shell !== 'fish' || /^[A-Za-z_]/.test(m[1]!))) {
      name = m[1]!;
      out.set(name, line);
    } else if (name !== null) {
      out.set(name, `${out.get(name)}\n${line}`);
    }
  }
  for (const k of [...out.keys()]) if (VOLATILE[shell].test(k)) out.delete(k);
  return out;
}

/** What changed between two dumps: names added, removed, and changed. */
export function diffDumps(before: Map<string, string>, after: Map<string, string>): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  return { added, removed, changed };
}

/**
 * Drives an interactive bash or zsh in a pseudo-terminal (zsh's zpty module), types each of
 * `lines` followed by TAB, and returns the command line as the shell's line editor holds it
 * afterwards (printed by a key binding), so completion is checked end to end: registered
 * function, word splitting, quoting, and what readline/zle insert.
 */
export function typeTab(shell: 'bash' | 'zsh', sb: Sandbox, lines: readonly string[], opts: { setup?: string; tabs?: number; load?: string } = {}): string[] {
  const tabs = '\t'.repeat(opts.tabs ?? 1);
  // load: how the integration is loaded (default: defaultLoad).
  const load = opts.load ?? defaultLoad(shell);
  const setup =
    shell === 'bash'
      ? `PS1='$ '; bind 'set bell-style none'; ${load}; bind -x '"\\C-xp": builtin printf "<<%s>>\\n" "$READLINE_LINE"'`
      : `PS1='$ '; unsetopt beep; autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump"; ${load}; __t_show() { print -r -- "<<$BUFFER>>"; }; zle -N __t_show; bindkey '^Xp' __t_show`;
  const argv = shell === 'bash' ? 'bash --noprofile --norc -i' : 'zsh -f -i';
  const driver = [
    'zmodload zsh/zpty',
    `zpty -b S ${argv}`,
    // First line: setup, then a marker to sync on.
    `zpty -w S ${q('zsh', `${opts.setup ?? ''}\n${setup}\nbuiltin printf "%s%s\\n" READY READY`)}`,
    `zpty -r -m S out '*READYREADY*' || exit 3`,
    'for l in "$@"; do',
    `  zpty -w -n S "$l"${q('zsh', tabs)}$'\\C-xp'`,
    `  out=''; zpty -r -m S out '*<<*>>'$'\\r' || exit 4`,
    `  out=\${out//$'\\r'/}; out=\${out##*<<}; print -r -- "@@<<\${out%>>*}>>"`,
    `  zpty -w -n S $'\\C-a\\C-k'`,
    'done',
    'zpty -d S',
  ].join('\n');
  const r = spawnSync('zsh', ['-f', '-c', driver, 'drive', ...lines], {
    cwd: sb.dir,
    env: { ...sb.env, TERM: 'xterm', HISTFILE: '/dev/null' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw new Error(`cannot drive ${shell}: ${r.error.message}`);
  const got = [...String(r.stdout).matchAll(/^@@<<([^]*?)>>$/gm)].map((m) => m[1]!);
  if (got.length !== lines.length) throw new Error(`driving ${shell} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stdout}\n${r.stderr}`);
  return got;
}
