import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '../errors.js';
import { err } from '../output.js';
import { escapeText } from '../text.js';

/**
 * Asks on the terminal itself: the prompt goes to stderr and the answer is read from /dev/tty,
 * so stdout (often captured by `eval "$(…)"`) carries only the output.
 */
export function askTerminal(prompt: string, why: string): string {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r');
  } catch {
    throw new UserError(`${why}, but there is no terminal to ask on`);
  }
  try {
    // The prompt names an MFA device from the config file: escaped, like every message.
    err(escapeText(prompt));
    const buf = Buffer.alloc(256);
    let line = '';
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) break;
      line += buf.subarray(0, n).toString('utf8');
      if (line.includes('\n')) break;
    }
    return line.split(/\r?\n/)[0]!.trim();
  } finally {
    closeSync(fd);
  }
}
