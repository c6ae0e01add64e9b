// `awsp sso populate`: one profile per account and role the portal grants, written into the
// session's marked block of the config file (src/config/block.ts). The names come from a
// template filled with names other people chose (account names are set by whoever runs the
// organisation), so they are reduced to characters that are safe in every shell, in the AWS CLI
// and in the JS SDK; collisions get a deterministic suffix; a name that exists outside the
// block is left alone and reported.
import { createHash } from 'node:crypto';
import { readBlock, replaceBlock } from '../config/block.js';
import { parseIni } from '../config/ini.js';
import { configProfileName } from '../config/profiles.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';
import { escapeText } from '../text.js';

export interface Assignment {
  accountId: string;
  accountName: string;
  roleName: string;
}

export interface PlannedProfile extends Assignment {
  name: string;
}

export interface PopulateInput {
  session: string;
  region: string;
  template: string;
  assignments: readonly Assignment[];
  /** Profile names of the shared credentials file: also taken. */
  credentialNames: ReadonlySet<string>;
}

export interface PopulateReport {
  profiles: PlannedProfile[];
  added: string[];
  removed: string[];
  skipped: Array<{ name: string; why: string }>;
}

export const DEFAULT_TEMPLATE = '{account_name}.{role_name}';
const FIELDS = ['account_name', 'account_id', 'role_name', 'sso_session'] as const;
/** The keys awsp writes into each profile of the block; any other line of a profile there is the user's and is kept. */
const GENERATED = new Set(['sso_session', 'sso_account_id', 'sso_role_name', 'region']);
/** IAM Identity Center's own limits: an account id is 12 digits, a permission set name [\w+=,.@-]{1,32}. */
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * NAME reduced to letters, digits and `_ . @ + -`: accents dropped (Produção -> Producao), any
 * other run of characters (spaces, quotes, `$(`, `;`, brackets, controls…) becomes one `-`, and
 * no `-` or `.` at either end.
 */
export function safeName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.@+-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Checks a template: known {fields} only, and literal text that is already safe. */
export function checkTemplate(template: string): void {
  const fields = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  const unknown = fields.filter((f) => !(FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0) throw new UserError(`the template has an unknown field {${unknown[0]}}; the fields are ${FIELDS.map((f) => `{${f}}`).join(', ')}`, 2);
  if (fields.length === 0) throw new UserError(`the template names no field; use some of ${FIELDS.map((f) => `{${f}}`).join(', ')}`, 2);
  const literal = template.replace(/\{[^{}]*\}/g, '');
  if (!/^[A-Za-z0-9_.@+-]*$/.test(literal)) throw new UserError(`the template's own text may hold only letters, digits and _ . @ + -, not ${show(literal)}`, 2);
}

function fill(template: string, a: Assignment, session: string): string {
  const values: Record<string, string> = { account_name: a.accountName, account_id: a.accountId, role_name: a.roleName, sso_session: session };
  const name = safeName(template.replace(/\{([^{}]*)\}/g, (_, f: string) => safeName(values[f] ?? '')));
  return name !== '' ? name : `${a.accountId}-${safeName(a.roleName) || 'role'}`;
}

const short = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 6);

/** Names for the assignments: sorted by account id and role, the first of a name keeps it, the others get `-ACCOUNTID` (and a hash of the role if needed). */
export function planProfiles(
  assignments: readonly Assignment[],
  template: string,
  session: string,
  taken: ReadonlySet<string>,
): { profiles: PlannedProfile[]; skipped: Array<{ name: string; why: string }> } {
  const sorted = [...assignments].sort((x, y) => (x.accountId === y.accountId ? (x.roleName < y.roleName ? -1 : x.roleName > y.roleName ? 1 : 0) : x.accountId < y.accountId ? -1 : 1));
  const used = new Set<string>();
  const profiles: PlannedProfile[] = [];
  const skipped: Array<{ name: string; why: string }> = [];
  const later: Array<[Assignment, string]> = [];
  for (const a of sorted) {
    const name = fill(template, a, session);
    if (name === 'default') skipped.push({ name, why: 'the default profile is yours to define' });
    else if (taken.has(name)) skipped.push({ name, why: 'a profile of that name exists outside the block' });
    else if (used.has(name)) later.push([a, name]);
    else {
      used.add(name);
      profiles.push({ ...a, name });
    }
  }
  for (const [a, name] of later) {
    const pick = [`${name}-${a.accountId}`, `${name}-${a.accountId}-${short(a.roleName)}`].find((n) => !used.has(n) && !taken.has(n));
    if (pick === undefined) {
      skipped.push({ name, why: 'its name collides with others even with a suffix' });
      continue;
    }
    used.add(pick);
    profiles.push({ ...a, name: pick });
  }
  return { profiles: profiles.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)), skipped };
}

/** The profile names a config text defines. */
function profileNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const s of parseIni(text).sections) {
    const n = configProfileName(s.name);
    if (n !== null) names.add(n);
  }
  return names;
}

/** The user's own lines in each profile of an old block: every option but the generated keys (with its continuation lines), and comments. */
function keptLines(body: readonly string[] | null): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  if (!body) return kept;
  let current: string[] | null = null;
  let keeping = false;
  for (const line of body) {
    const t = line.trim();
    const header = /^\[([^\]\n]+)\]/.exec(t);
    if (header) {
      const name = configProfileName(header[1]!);
      current = name === null ? null : [];
      if (name !== null) kept.set(name, current!);
      keeping = false;
      continue;
    }
    if (current === null || t === '') continue;
    if (/^\s/.test(line)) {
      if (keeping) current.push(line);
      continue;
    }
    if (t.startsWith('#') || t.startsWith(';')) {
      current.push(line);
      keeping = false;
      continue;
    }
    const key = /^([^=:]*?)\s*[=:]/.exec(t)?.[1]?.toLowerCase();
    keeping = key !== undefined && !GENERATED.has(key);
    if (keeping) current.push(line);
  }
  return kept;
}

/** The new config text and what changed. Pure: the caller reads and writes the file. */
export function populateText(text: string, input: PopulateInput): { text: string; report: PopulateReport } {
  const old = readBlock(text, input.session);
  const taken = new Set([...profileNames(replaceBlock(text, input.session, null)), ...input.credentialNames]);
  const { profiles, skipped } = planProfiles(input.assignments, input.template, input.session, taken);
  const kept = keptLines(old);
  const body = [`# The profiles of sso-session ${input.session}, written by awsp sso populate. Lines you add to a profile are kept; the rest of this block is rewritten.`];
  for (const p of profiles) {
    body.push('', `[profile ${p.name}]`, `sso_session = ${input.session}`, `sso_account_id = ${p.accountId}`, `sso_role_name = ${p.roleName}`, `region = ${input.region}`, ...(kept.get(p.name) ?? []));
  }
  const before = old === null ? new Set<string>() : profileNames(old.join('\n'));
  const now = new Set(profiles.map((p) => p.name));
  return {
    text: replaceBlock(text, input.session, body),
    report: { profiles, added: [...now].filter((n) => !before.has(n)), removed: [...before].filter((n) => !now.has(n)).sort(), skipped },
  };
}

/** Assignments the portal sent that cannot be written safely (not the shapes AWS allows): left out, with a reason. */
export function validAssignments(list: readonly Assignment[]): { ok: Assignment[]; bad: string[] } {
  const ok: Assignment[] = [];
  const bad: string[] = [];
  for (const a of list) {
    if (!ACCOUNT_ID.test(a.accountId)) bad.push(`an account id that is not 12 digits: ${escapeText(JSON.stringify(a.accountId))}`);
    else if (!ROLE_NAME.test(a.roleName)) bad.push(`a role name IAM does not allow in account ${a.accountId}: ${escapeText(JSON.stringify(a.roleName))}`);
    else ok.push(a);
  }
  return { ok, bad };
}
