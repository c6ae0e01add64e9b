// `awsp pick [QUERY]` (and `awsp -i`): choose a profile from a list on the terminal, then switch
// exactly as `awsp NAME` does: the shell function evaluates what this prints on stdout, which is
// what `awsp __switch NAME` prints.
import { readCache, refreshCache } from '../cache.js';
import { type Env, readProfiles, warn } from '../context.js';
import { UserError } from '../errors.js';
import { stdoutIsTerminal } from '../output.js';
import { findFzf, pickWithFzf } from '../pick/fzf.js';
import { pickInTerminal } from '../pick/picker.js';
import { nameRow, profileRow, type Row } from '../pick/rows.js';
import { notLoaded, switchCommand } from './switch.js';
import { parse, type Parsed } from './parse.js';
import { SWITCH } from './table.js';

/** What Esc and Ctrl-C exit with: the shell's status for an interrupted command. */
export const CANCELLED = 130;

export async function pickCommand(a: Parsed, env: Env): Promise<number> {
  // Run as a program, what it prints would go to the terminal instead of into the shell.
  if (stdoutIsTerminal()) throw notLoaded(env);
  const color = !a.flag('no-color') && !env.NO_COLOR;
  const query = a.args[0] ?? '';
  // The files' warnings wait until the list is gone: on its screen they would be lost.
  let warnings: string[] = [];
  const load = (): Row[] => {
    const { set } = readProfiles(env, { quiet: true });
    // Kept fresh, so the next list is up before the files are parsed (and TAB is fast).
    refreshCache(env, set);
    warnings = set.warnings;
    if (set.profiles.length === 0) throw new UserError(`no profiles in ${set.config.path} or ${set.credentials.path}`);
    return set.profiles.map((p) => profileRow(set, p, env.AWS_PROFILE));
  };

  let chosen: Row | null = null;
  try {
    const picker = env.AWSP_PICKER ?? '';
    const fzf = picker === 'fzf' ? findFzf(env) : null;
    if (picker === 'fzf' && fzf === null) warn('AWSP_PICKER=fzf, but there is no fzf on PATH; using the list of awsp itself');
    else if (picker !== '' && picker !== 'fzf' && picker !== 'awsp') warn(`AWSP_PICKER=${JSON.stringify(picker)} is not fzf or awsp; using the list of awsp itself`);
    if (fzf !== null) {
      const rows = load();
      const i = pickWithFzf(fzf, rows, query, color);
      chosen = i === null ? null : rows[i]!;
    } else {
      // The names cache first, when the shell would trust it: the list is up before the files
      // are parsed (as long as Node's own start, at 1,000 profiles); their rows follow. The
      // choice is validated against the files as `awsp NAME` validates it.
      const early = readCache(env);
      chosen = early === null || early.length === 0 ? await pickInTerminal(load(), query, color) : await pickInTerminal(early.map((n) => nameRow(n, env.AWS_PROFILE)), query, color, load);
    }
  } finally {
    // A switch reads the files again and says the same itself.
    if (chosen === null) for (const w of warnings) warn(w);
  }
  if (chosen === null) return CANCELLED;

  // The same validation and output as `awsp NAME`: the files are read again, since they may
  // have changed while the list was up.
  const region = a.value('region');
  return switchCommand(parse(SWITCH, [...(region === undefined ? [] : [`--region=${region}`]), '--', chosen.name]), env);
}
