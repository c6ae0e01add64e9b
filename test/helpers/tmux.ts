// A real terminal for interactive tests: a tmux server of the test's own (its socket inside the
// sandbox), running one clean interactive shell with awsp loaded. Keys go in with send-keys;
// the screen comes back with capture-pane, as the user would see it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { defaultLoad, type Sandbox, type ShellName } from './sandbox.js';

export interface TmuxOptions {
  cols?: number;
  rows?: number;
  /** Shell code run after the integration is loaded (e.g. `set -u`). */
  setup?: string;
  env?: Record<string, string>;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export class Tmux {
  private readonly socket: string;
  private marks = 0;

  constructor(
    readonly shell: ShellName,
    private readonly sb: Sandbox,
    private readonly opts: TmuxOptions = {},
  ) {
    this.socket = join(sb.dir, `tmux-${shell}-${Math.random().toString(36).slice(2, 8)}`);
  }

  private tmux(args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.socket, ...args], { env: { ...this.sb.env, ...this.opts.env }, encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw new Error(`cannot run tmux: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts the shell and waits for its prompt, with awsp loaded. */
  start(): this {
    const argv =
      this.shell === 'bash' ? ['bash', '--noprofile', '--norc'] : this.shell === 'zsh' ? ['zsh', '-f'] : ['fish', '--no-config', '--private'];
    this.tmux(['-f', '/dev/null', 'new-session', '-d', '-x', String(this.opts.cols ?? 80), '-y', String(this.opts.rows ?? 12), '--', ...argv]);
    // tmux would otherwise keep the window at the size of the largest client it ever had.
    this.tmux(['set-option', '-g', 'window-size', 'manual']);
    const init =
      this.shell === 'fish'
        ? "function fish_prompt; builtin printf '$ '; end; set -g fish_greeting ''; awsp init fish | source"
        : `PS1='$ '; ${defaultLoad(this.shell)}`;
    this.line(`${init}; ${this.opts.setup ?? ':'}; clear; builtin printf '%s%s\\n' READY READY`);
    this.waitFor((s) => s.includes('READYREADY'), 'the shell to start');
    this.line('clear');
    return this;
  }

  /** Types a line and Enter. */
  line(text: string): void {
    this.tmux(['send-keys', '-l', '--', text]);
    this.tmux(['send-keys', 'Enter']);
  }

  /** Types text as it is. */
  type(text: string): void {
    this.tmux(['send-keys', '-l', '--', text]);
  }

  /** Presses keys by tmux's names: Up, Down, Enter, Escape, C-c, C-n… */
  keys(...names: string[]): void {
    this.tmux(['send-keys', ...names]);
  }

  /** The screen as text, lines joined where they wrapped; `escapes` keeps the colors and attributes. */
  screen(escapes = false): string {
    return this.tmux(['capture-pane', '-p', '-J', ...(escapes ? ['-e'] : [])]);
  }

  /** A tmux format of the pane (#{alternate_on}, #{cursor_flag}…). */
  pane(format: string): string {
    return this.tmux(['display-message', '-p', format]).trim();
  }

  /**
   * Types a line and Enter, and waits until the shell has run it: a mark it prints afterwards
   * is on the screen. Typed ahead, a line can be lost (a Ctrl-C the shell handles late clears
   * it); then it is typed again, as a person would.
   */
  done(text: string): void {
    for (let attempt = 1; ; attempt++) {
      const mark = `done${++this.marks}`;
      this.line(`${text}; builtin printf '@@%s@@\\n' ${mark}`);
      try {
        this.waitFor((s) => s.includes(`@@${mark}@@`), `the shell to run ${JSON.stringify(text)}`, 3_000);
        return;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  }

  /** Ends whatever runs in the pane (Ctrl-C) and waits for the shell's own screen, cleared, again. */
  settle(): void {
    this.keys('C-c');
    const end = Date.now() + 10_000;
    while (this.pane('#{alternate_on}') !== '0' && Date.now() < end) sleep(40);
    this.done('clear');
  }

  resize(cols: number, rows: number): void {
    this.tmux(['resize-window', '-x', String(cols), '-y', String(rows)]);
  }

  /** Polls the screen until `ok` holds; throws with the screen after `timeout` ms. */
  waitFor(ok: (screen: string) => boolean, what: string, timeout = 15_000): string {
    const end = Date.now() + timeout;
    for (;;) {
      const s = this.screen();
      if (ok(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
      sleep(40);
    }
  }

  /** The pids of the processes in the pane (the shell and what it started), from ps. */
  processes(): Array<{ pid: number; ppid: number; args: string }> {
    const r = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
    const all = r.stdout
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
    const root = Number(this.pane('#{pane_pid}'));
    const mine = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all) {
        if (!mine.has(p.pid) && mine.has(p.ppid)) {
          mine.add(p.pid);
          grew = true;
        }
      }
    }
    return all.filter((p) => mine.has(p.pid));
  }

  stop(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { env: this.sb.env });
  }
}
