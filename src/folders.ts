// Per-folder profiles: a file `.awsprofile` holding `NAME` or `NAME@REGION` makes the shell
// switch to NAME on entering its folder (or one below), once the user has allowed the file
// (`awsp allow`). The shells' hook (shell/awsp.*, __awsp_folder_*) does the switching with
// builtins only; this module holds the rules it shares with Node: what a file may hold, and
// where the record of an allowed file is.
//
// Record: one file per allowed `.awsprofile` in $XDG_DATA_HOME/awsp/allow (XDG_DATA_HOME
// absolute), else $HOME/.local/share/awsp/allow, named after the file's absolute path (encoded
// as the names cache encodes paths) and holding the file's exact content. The shell obeys the
// file while both hold the same bytes, so a changed file must be allowed again. It trusts a
// record only in a folder owned by the user without the sticky bit, and owned by the user.
import { resolve } from 'node:path';
import { currentFolder, encodePath } from './cache.js';
import { hasUnsafeText } from './text.js';

type Env = Record<string, string | undefined>;

export const FOLDER_FILE = '.awsprofile';

/** The folder of the allow records, or null when neither XDG_DATA_HOME nor HOME is absolute. */
export function allowFolder(env: Env): string | null {
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && xdg.startsWith('/')) return `${xdg}/awsp/allow`;
  const home = env.HOME;
  return home !== undefined && home.startsWith('/') ? `${home}/.local/share/awsp/allow` : null;
}

/** The record of FILE (an absolute path) in FOLDER. */
export const recordPath = (folder: string, file: string): string => `${folder}/${encodePath(file)}`;

/** An absolute path as the shell spells it ($PWD, not the physical path), `.` and `..` resolved. */
export const absolute = (path: string, env: Env): string => resolve(currentFolder(env), path);

// A region code: us-east-1, us-gov-west-1, eusc-de-east-1. The shells test the same pattern.
const REGION = /^[a-z]+(-[a-z]+)+-[0-9]+$/;

/** What a `.awsprofile` asks for; null when its text is not one line `NAME` or `NAME@REGION`. */
export function parseFolderFile(text: string): { name: string; region: string } | null {
  // One line, with or without its line break; nothing a terminal would act on.
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (line === '' || /[\x00-\x1f\x7f]/.test(line) || hasUnsafeText(line)) return null;
  const at = line.lastIndexOf('@');
  // `me@corp` is a name: only a region code after the last @ is a region.
  if (at > 0 && REGION.test(line.slice(at + 1))) return { name: line.slice(0, at), region: line.slice(at + 1) };
  return { name: line, region: '' };
}
