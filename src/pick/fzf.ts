// AWSP_PICKER=fzf: the same list, chosen in fzf (it draws on /dev/tty itself).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Env } from '../context.js';
import type { Row } from './rows.js';
import { escapeText } from '../text.js';
import { textWidth } from './text.js';

/** fzf's path on PATH, or null. */
export function findFzf(env: Env): string | null {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const p = join(dir, 'fzf');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // Not here.
    }
  }
  return null;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - textWidth(text)));

/** The index of the chosen row, or null when the user cancelled. */
export function pickWithFzf(fzf: string, rows: readonly Row[], query: string, color: boolean): number | null {
  const cells = rows.map((r) => [escapeText(r.name), r.kind, r.region || '-', r.account || '-', escapeText(r.role) || '-']);
  const header = ['PROFILE', 'KIND', 'REGION', 'ACCOUNT', 'ROLE'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...cells.map((c) => textWidth(c[i]!)))));
  const line = (c: string[]) => c.map((v, i) => (i < c.length - 1 ? pad(v, widths[i]!) : v)).join('  ');
  // Each line starts with its index, hidden from view (--with-nth), so the answer needs no parsing of names.
  const input = [`-\t  ${line(header)}`, ...rows.map((r, i) => `${i}\t${r.active ? '*' : ' '} ${line(cells[i]!)}`)].join('\n') + '\n';
  const args = ['--delimiter=\t', '--with-nth=2..', '--header-lines=1', '--no-multi', '--prompt=> ', `--query=${query}`];
  if (!color) args.push('--color=bw');
  const r = spawnSync(fzf, args, { input, stdio: ['pipe', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new UserError(`cannot run fzf (${fzf}): ${r.error.message}`);
  // 1: nothing matched; 130: Esc or Ctrl-C. Either way nothing was chosen.
  if (r.status === 1 || r.status === 130) return null;
  if (r.status !== 0) throw new UserError(`fzf failed (${r.signal ? r.signal : `exit ${r.status}`})`);
  const i = Number(r.stdout.split('\t')[0]);
  if (!Number.isInteger(i) || i < 0 || i >= rows.length) throw new UserError('fzf answered with a line awsp did not give it');
  return i;
}
