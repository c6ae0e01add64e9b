// What the picker shows for each profile.
import type { Profile, ProfileSet } from '../config/profiles.js';
import { profileKind } from '../credentials/plan.js';
import type { Candidate } from './fuzzy.js';

export interface Row extends Candidate {
  readonly kind: string;
  readonly region: string;
  readonly account: string;
  readonly role: string;
  readonly active: boolean;
}

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`: the account and the role's name. */
function fromRoleArn(arn: string): { account: string; role: string } | null {
  const m = /^arn:[^:]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? { account: m[1]!, role: m[2]! } : null;
}

export function profileRow(set: ProfileSet, p: Profile, active: string | undefined): Row {
  const o = p.options;
  const arn = o.get('role_arn');
  const fromArn = arn === undefined ? null : fromRoleArn(arn);
  const account = fromArn?.account ?? o.get('sso_account_id') ?? '';
  const role = fromArn?.role ?? o.get('sso_role_name') ?? '';
  const extra = `${account} ${role}`;
  return {
    name: p.name,
    nameLower: p.name.toLowerCase(),
    extra,
    extraLower: extra.toLowerCase(),
    kind: profileKind(set, p.name),
    region: o.get('region') ?? '',
    account,
    role,
    active: p.name === active,
  };
}

/** A row known only by its name (from the names cache), until the files are read. */
export function nameRow(name: string, active: string | undefined): Row {
  return { name, nameLower: name.toLowerCase(), extra: ' ', extraLower: ' ', kind: '', region: '', account: '', role: '', active: name === active };
}
