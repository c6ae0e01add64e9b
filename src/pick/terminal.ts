// The terminal itself (/dev/tty), so the picker works inside `$(…)`, where stdout is a pipe:
// raw mode, the alternate screen, its size, and putting everything back however awsp ends.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';
import { UserError } from '../errors.js';

export interface Terminal {
  write(text: string): void;
  size(): { rows: number; cols: number };
  /** Text as it arrives (UTF-8 decoded, split sequences joined). */
  onInput(listener: (text: string) => void): void;
  onResize(listener: () => void): void;
  /** Restores the terminal as it was; safe to call more than once. */
  close(): void;
}

// Alternate screen, cursor keys in normal mode, no line wrap (a full-width line must not push
// the screen up); and the reverse of each, in reverse order.
const ENTER = '\x1b[?1049h\x1b[?1l\x1b[?7l';
const LEAVE = '\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l';

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'] as const;

export function openTerminal(): Terminal {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UserError('pick needs a terminal to show the list on, and there is none (/dev/tty); use awsp list and awsp NAME');
  }
  // node:tty only here: it loads node:net, which no other everyday command needs.
  const tty = process.getBuiltinModule('node:tty');
  let input: ReadStream;
  let output: WriteStream;
  try {
    input = new tty.ReadStream(fd);
    output = new tty.WriteStream(fd);
    input.setRawMode(true);
  } catch {
    closeSync(fd);
    throw new UserError('pick needs a terminal to show the list on, and /dev/tty is not one');
  }
  input.setEncoding('utf8');

  const write = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) {
      try {
        done += writeSync(fd, bytes, done);
      } catch (e) {
        // A terminal that is gone (SIGHUP) takes nothing more; one that is busy, a moment later.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  };

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.removeListener('SIGWINCH', resized);
    process.removeListener('exit', close);
    write(LEAVE);
    try {
      input.setRawMode(false);
    } catch {
      // The terminal is gone: nothing to restore.
    }
    input.destroy();
    output.destroy();
  };
  // Killed while the list is up: restore the terminal first, then die of the same signal, as
  // the shell expects of a program it waits for.
  function onSignal(signal: NodeJS.Signals) {
    close();
    process.kill(process.pid, signal);
  }
  let resized = () => {};
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', close);

  write(ENTER);
  return {
    write,
    size: () => {
      // getWindowSize() answers what the stream last read; process.stdout refreshes it on
      // SIGWINCH through this same method, which a stream of our own must call itself.
      (output as WriteStream & { _refreshSize?: () => void })._refreshSize?.();
      const [cols, rows] = output.getWindowSize();
      return { rows: rows || 24, cols: cols || 80 };
    },
    onInput: (listener) => input.on('data', listener),
    onResize: (listener) => {
      resized = listener;
      process.on('SIGWINCH', resized);
    },
    close,
  };
}
