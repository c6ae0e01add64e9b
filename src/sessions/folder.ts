// A folder only the user can enter, for files that hold secrets. Created 0700; an existing one
// is used only if it is a real directory (not a symlink), owned by the user, and closed to
// group and others; its parent must be the user's and not writable by others, so nobody else
// can swap the folder out from under us.
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const uid = (): number => process.geteuid?.() ?? -1;

/** Why DIR (and its parent) cannot be trusted with secrets, or null when it can. Creates them 0700 when missing. */
export function privateFolderProblem(dir: string): string | null {
  const parent = dirname(dir);
  // Never inside another user's folder: root with a user's HOME would leave folders there that
  // the user can no longer use.
  let existing = dir;
  for (let st = lstatSync(existing, { throwIfNoEntry: false }); !st; st = lstatSync(existing, { throwIfNoEntry: false })) {
    if (dirname(existing) === existing) break;
    existing = dirname(existing);
  }
  const owner = lstatSync(existing, { throwIfNoEntry: false })?.uid;
  if (existing !== dir && owner !== undefined && owner !== uid()) return `${existing} belongs to another user (uid ${owner})`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? `cannot create ${dir}: permission denied` : `cannot create ${dir}: ${code ?? String(e)}`;
  }
  for (const [path, closed] of [
    [parent, 0o022],
    [dir, 0o077],
  ] as const) {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return `${path} has gone`;
    if (st.isSymbolicLink()) return `${path} is a symlink`;
    if (!st.isDirectory()) return `${path} is not a directory`;
    if (st.uid !== uid()) return `${path} belongs to another user (uid ${st.uid})`;
    if ((st.mode & closed) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      return `${path} has mode ${mode}; it must be ${closed === 0o077 ? '0700' : 'writable by its owner only'}`;
    }
  }
  return null;
}
