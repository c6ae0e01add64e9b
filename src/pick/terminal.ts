// The terminal itself (/dev/tty), so the picker works inside `$(…)`, where stdout is a pipe:
// raw mode, the alternate screen, its size, and putting everything back however awsp ends.
import { closeSync, openSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';
import { UserError } from '../errors.js';
import { type TtyHandle, ttyWrap, writeFully } from '../output.js';

export interface Terminal {
  write(text: string): void;
  size(): { rows: number; cols: number };
  /**
   * Raw mode and keys (text as it arrives, UTF-8 decoded) and resizes. Separate, so the first
   * frame can be drawn before node:tty is loaded.
   */
  start(onInput: (text: string) => void, onResize: () => void): void;
  /** Restores the terminal as it was; safe to call more than once. */
  close(): void;
}

// Alternate screen, cursor keys in normal mode, no line wrap (a full-width line must not push
// the screen up); and the reverse of each, in reverse order.
const ENTER = '\x1b[?1049h\x1b[?1l\x1b[?7l';
const LEAVE = '\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l';

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'] as const;

const NO_TERMINAL = 'pick needs a terminal to show the list on, and there is none (/dev/tty); use awsp list and awsp NAME';

/** The terminal's size without node:tty, which costs more than the rest of the first frame. */
function sizeHandle(fd: number): TtyHandle | null {
  try {
    const binding = ttyWrap();
    if (binding === null) return null;
    const h = new binding.TTY(fd, {});
    return h.getWindowSize([]) === 0 ? h : (h.close(), null);
  } catch {
    return null;
  }
}

export function openTerminal(): Terminal {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UserError(NO_TERMINAL);
  }
  const handle = sizeHandle(fd);
  let input: ReadStream | undefined;
  let output: WriteStream | undefined;

  // A terminal that is gone (SIGHUP) takes nothing more: nobody to tell.
  const write = (text: string) => void writeFully(fd, text);

  let closed = false;
  let resized = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('SIGWINCH', resized);
    process.removeListener('exit', close);
    write(LEAVE);
    try {
      input?.setRawMode(false);
    } catch {
      // The terminal is gone: nothing to restore.
    }
    input?.destroy();
    output?.destroy();
    handle?.close();
  };
  // Killed while the list is up: restore the terminal first, then die of the same signal, as
  // the shell expects of a program it waits for.
  function onSignal(signal: NodeJS.Signals) {
    close();
    process.kill(process.pid, signal);
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', close);

  const streams = () => {
    // node:tty only here: it loads node:net, which no other everyday command needs.
    const tty = process.getBuiltinModule('node:tty');
    try {
      input = new tty.ReadStream(fd);
      output = new tty.WriteStream(fd);
    } catch {
      close();
      closeSync(fd);
      throw new UserError(NO_TERMINAL);
    }
  };
  if (handle === null) streams();

  write(ENTER);
  return {
    write,
    size: () => {
      const wh: number[] = [];
      if (handle !== null) handle.getWindowSize(wh);
      else {
        // getWindowSize() answers what the stream last read; process.stdout refreshes it on
        // SIGWINCH through this same method, which a stream of our own must call itself.
        (output as WriteStream & { _refreshSize?: () => void })._refreshSize?.();
        wh.push(...output!.getWindowSize());
      }
      return { cols: wh[0] || 80, rows: wh[1] || 24 };
    },
    start: (onInput, onResize) => {
      if (input === undefined) streams();
      input!.setRawMode(true);
      input!.setEncoding('utf8');
      input!.on('data', onInput);
      resized = onResize;
      process.on('SIGWINCH', resized);
    },
    close,
  };
}
