import { refreshCache } from '../cache.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { out } from '../output.js';
import { ssoStatusLines } from '../sso/state.js';
import { escapeText } from '../text.js';
import { listKind } from './list.js';

export const KEY_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'] as const;

/** `awsp` alone: which profile is active and what would override it. Always exits 0. */
export function statusCommand(env: Env): string {
  const { set } = readProfiles(env);
  const why = refreshCache(env, set);
  if (why) warn(`${why}; awsp works, but TAB completion and switching start Node each time`);
  const lines: string[] = [];
  const name = env.AWS_PROFILE;
  if (name === undefined) {
    const hasDefault = set.profiles.some((p) => p.name === 'default');
    lines.push(`no profile set (AWS_PROFILE is unset)${hasDefault ? '; the AWS CLI and SDKs use [default]' : ''}`);
  } else if (name === '') {
    warn('AWS_PROFILE is set but empty, which breaks the AWS CLI and boto3; run: awsp --unset');
  } else {
    const p = set.profiles.find((q) => q.name === name);
    if (p) {
      const region = p.options.get('region');
      const where = [p.inConfig ? set.config.path : '', p.inCredentials ? set.credentials.path : ''].filter(Boolean).join(' and ');
      lines.push(`profile ${show(name)} (${listKind(set, p)}${region ? `, ${escapeText(region)}` : ''}; ${escapeText(where)})`);
    } else {
      lines.push(`profile ${show(name)}`);
      warn(`AWS_PROFILE=${show(name)} is not a profile in ${set.config.path} or ${set.credentials.path}`);
    }
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined) lines.push(`region ${show(region)}${env.AWSP_REGION === region ? ' (set by awsp)' : ''}`);
  if (env.AWS_DEFAULT_PROFILE !== undefined && env.AWS_DEFAULT_PROFILE !== name) {
    warn(`AWS_DEFAULT_PROFILE=${show(env.AWS_DEFAULT_PROFILE)} is set; boto3 and the AWS CLI prefer it over AWS_PROFILE`);
  }
  const keys = KEY_VARS.filter((k) => env[k] !== undefined);
  if (keys.length > 0) {
    const fromAwsp = env.AWSP_KEYS !== undefined && env.AWSP_KEYS === env.AWS_ACCESS_KEY_ID;
    if (fromAwsp) {
      const expires = env.AWS_CREDENTIAL_EXPIRATION;
      const of = env.AWSP_KEYS_PROFILE ? ` for ${show(env.AWSP_KEYS_PROFILE)}` : '';
      lines.push(`keys exported by awsp${of}${expires ? `, expiring ${escapeText(expires)}` : ''}: they, not AWS_PROFILE, are what the AWS CLI and SDKs use`);
    } else {
      warn(`${keys.join(', ')} ${keys.length > 1 ? 'are' : 'is'} set in the environment and override${keys.length > 1 ? '' : 's'} AWS_PROFILE; awsp clears them at the next switch`);
    }
  }
  lines.push(...ssoStatusLines(set, env));
  return lines.map((l) => `${l}\n`).join('');
}

export function statusMain(env: Env): Promise<number> {
  out(statusCommand(env));
  return Promise.resolve(0);
}
