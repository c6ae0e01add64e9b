import { parseArgs } from 'node:util';
import { closestNames } from '../config/profiles.js';
import { type Env, readProfiles, show } from '../context.js';
import { UserError } from '../errors.js';
import { currentShell } from '../shells/index.js';

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

function parseSwitch(args: string[]): { name: string; region: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { region: { type: 'string', short: 'r' } } });
  } catch (e) {
    const option = /option '([^']*)'/.exec((e as Error).message)?.[1] ?? args.find((a) => a.startsWith('-')) ?? '';
    // parseArgs' own text is a paragraph; a name that begins with `-` is the usual cause.
    throw new UserError(`unknown option ${show(option)}; for a profile whose name begins with '-', write: awsp use -- NAME`, 2);
  }
  const positionals = parsed.positionals[0] === 'use' ? parsed.positionals.slice(1) : parsed.positionals;
  if (positionals.length !== 1) throw new UserError('usage: awsp [use] PROFILE [--region REGION]', 2);
  const region = parsed.values.region ?? '';
  if (parsed.values.region !== undefined && !REGION.test(region)) {
    throw new UserError(`${show(region)} is not a region name (e.g. eu-west-1)`, 2);
  }
  return { name: positionals[0]!, region };
}

/** Validates a switch and returns the profile; throws the one-line error otherwise. */
export function resolveSwitch(args: string[], env: Env): { name: string; region: string } {
  const target = parseSwitch(args);
  const { set } = readProfiles(env);
  const names = set.profiles.map((p) => p.name);
  if (!names.includes(target.name)) {
    const near = closestNames(target.name, names);
    const hint = near.length > 0 ? `; did you mean ${near.map(show).join(', ')}?` : names.length === 0 ? `; no profiles in ${set.config.path} or ${set.credentials.path}` : '';
    throw new UserError(`no profile ${show(target.name)}${hint}`);
  }
  return target;
}

/** `__switch`: what the shell function evals when its own fast check could not decide. */
export function switchCommand(args: string[], env: Env): string {
  const { name, region } = resolveSwitch(args, env);
  return currentShell(env).call('__awsp_use', [name, region]) + '\n';
}

/** `awsp dev` run as a program: it cannot change its parent shell, so say how to load the integration. */
export function notLoaded(env: Env): UserError {
  const shell = currentShell(env);
  return new UserError(
    `the shell integration is not loaded, so awsp cannot change this shell; add this line to ${shell.rcFile} and open a new shell: ${shell.initLine}`,
  );
}
