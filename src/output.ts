// Output through write(2) on fds 1 and 2. Node builds process.stdout as a stream object on first
// use, and for a pipe (`eval "$(awsp …)"`) that costs ~7 ms, more than a whole `awsp list` needs.
import { fstatSync, writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of TEXT to FD with write(2): a non-blocking FD that is full (a pipe, a terminal) is
 * waited for a moment, then written again. Returns the error that stopped it, or null.
 */
export function writeFully(fd: number, text: string): NodeJS.ErrnoException | null {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') Atomics.wait(pause, 0, 0, 2);
      else return e as NodeJS.ErrnoException;
    }
  }
  return null;
}

function writeAll(fd: 1 | 2, text: string): void {
  const e = writeFully(fd, text);
  if (e === null) return;
  if (e.code !== 'EPIPE') throw e;
  // The reader is gone (`awsp list | head -1`): nothing left to do, and nobody to tell.
  if (fd === 1) process.exit(0);
}

export const out = (text: string): void => writeAll(1, text);
export const err = (text: string): void => writeAll(2, text);

/** Whether stdout is a terminal. node:tty loads node:net (~6 ms), so a pipe or a file is told apart first. */
export function stdoutIsTerminal(): boolean {
  try {
    if (!fstatSync(1).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  // A character device that is no terminal (/dev/null): told apart without node:tty when possible.
  return ttyWrap()?.isTTY(1) ?? process.getBuiltinModule('node:tty').isatty(1);
}

/** A terminal handle of Node's binding: its size without node:tty. */
export interface TtyHandle {
  getWindowSize(out: number[]): number;
  close(): void;
}

/**
 * The binding node:tty itself is built on, which answers isatty and the window size without
 * loading node:tty (which loads node:net, ~3 ms); null where this Node has none.
 */
export function ttyWrap(): { isTTY(fd: number): boolean; TTY: new (fd: number, ctx: object) => TtyHandle } | null {
  try {
    return (process as unknown as { binding(name: string): ReturnType<typeof ttyWrap> }).binding('tty_wrap');
  } catch {
    return null;
  }
}
