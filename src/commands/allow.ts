// `awsp allow [PATH]` and `awsp deny [PATH]`: whether the shell may obey a `.awsprofile`
// (src/folders.ts has the rules). Allowing validates the file and records its exact content;
// denying removes the record. What they print on stdout (only when the shell function
// evaluates it) makes the shell look at its folder again, so the change applies at once.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { closestNames } from '../config/profiles.js';
import { reason, writeAtomic, WriteFailed } from '../config/write.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { absolute, allowFolder, FOLDER_FILE, parseFolderFile, recordPath } from '../folders.js';
import { out, stdoutIsTerminal } from '../output.js';
import { unknownRegionWarning } from '../regions.js';
import { privateFolderProblem } from '../sessions/folder.js';
import { currentShell } from '../shells/index.js';
import type { Parsed } from './parse.js';

// Far more than a name and a region: a bigger file is not one.
const MAX_BYTES = 1024;

const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
const isFolder = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;

/** The `.awsprofile` that PATH means (a folder, or the file), or the nearest one from $PWD upward. */
function target(a: Parsed, env: Env, mustExist: boolean): string {
  const arg = a.args[0];
  if (arg === undefined) {
    // The same walk as the shells' hook: the logical path, up to /.
    let dir = absolute('.', env);
    for (;;) {
      const f = `${dir === '/' ? '' : dir}/${FOLDER_FILE}`;
      if (isFile(f)) return f;
      if (dir === '/') break;
      dir = dirname(dir);
    }
    throw new UserError(`no ${FOLDER_FILE} in ${absolute('.', env)} or a folder above it; write one holding a profile name first`);
  }
  if (arg === '') throw new UserError(`the path is empty; give a folder or its ${FOLDER_FILE}`);
  const p = absolute(arg, env);
  const file = isFolder(p) ? `${p === '/' ? '' : p}/${FOLDER_FILE}` : p;
  if (!file.endsWith(`/${FOLDER_FILE}`)) {
    throw new UserError(statSync(p, { throwIfNoEntry: false }) === undefined ? `no folder ${p}` : `${file} is not a ${FOLDER_FILE} file; give a folder or its ${FOLDER_FILE}`);
  }
  if (mustExist && !isFile(file)) throw new UserError(`no file ${file}`);
  return file;
}

/** The record folder, made the user's own (0700); throws when it cannot be. */
function records(env: Env): string {
  const folder = allowFolder(env);
  if (folder === null) throw new UserError('cannot keep the allowed files: neither XDG_DATA_HOME nor HOME is an absolute path');
  const problem = privateFolderProblem(folder);
  if (problem) throw new UserError(`cannot keep the allowed files: ${problem}`);
  return folder;
}

/** The shell function evaluates stdout: a call that makes it look at its folder again. */
function recheck(env: Env, how: 'again' | 'denied', file: string): void {
  if (env.AWSP_SHELL !== undefined && !stdoutIsTerminal()) out(currentShell(env).call('__awsp_folder_check', [how, file]) + '\n');
}

const offNote = (env: Env): string => (env.AWSP_FOLDERS === '1' ? '' : ' (the shell obeys it once AWSP_FOLDERS=1 is in its environment)');

export function allowCommand(a: Parsed, env: Env): Promise<number> {
  const file = target(a, env, true);
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_BYTES) throw new UserError(`${file} is too big for a ${FOLDER_FILE}: it holds one line, a profile name, optionally followed by @REGION`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${file}: ${reason(e)}`);
  }
  const wanted = parseFolderFile(bytes.toString('utf8'));
  if (wanted === null) throw new UserError(`${file} must hold one line: a profile name, optionally followed by @REGION (as in prod@eu-west-1)`);
  const names = readProfiles(env).set.profiles.map((p) => p.name);
  if (!names.includes(wanted.name)) {
    const near = closestNames(wanted.name, names);
    throw new UserError(`${file} names no profile ${show(wanted.name)}${near.length > 0 ? `; did you mean ${near.map(show).join(', ')}?` : ''}`);
  }
  if (wanted.region !== '') {
    const unknown = unknownRegionWarning(wanted.region);
    if (unknown) warn(unknown);
  }
  const folder = records(env);
  const record = recordPath(folder, file);
  try {
    writeAtomic(record, `${record}.${process.pid}.tmp`, bytes);
  } catch (e) {
    throw e instanceof WriteFailed ? new UserError(`cannot write ${record}: ${e.message}`) : e;
  }
  warn(`allowed ${file}: profile ${show(wanted.name)}${wanted.region ? ` with region ${show(wanted.region)}` : ''}${offNote(env)}`);
  recheck(env, 'again', file);
  return Promise.resolve(0);
}

export function denyCommand(a: Parsed, env: Env): Promise<number> {
  const file = target(a, env, false);
  const folder = allowFolder(env);
  const record = folder === null ? null : recordPath(folder, file);
  if (record === null || statSync(record, { throwIfNoEntry: false }) === undefined) {
    warn(`${file} was not allowed`);
  } else {
    try {
      rmSync(record);
    } catch (e) {
      throw new UserError(`cannot remove ${record}: ${reason(e)}`);
    }
    warn(`denied ${file}: the shell no longer obeys it`);
  }
  recheck(env, 'denied', file);
  return Promise.resolve(0);
}
