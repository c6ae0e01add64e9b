// Which source gives a profile its credentials, decided as the AWS CLI (botocore) decides, from
// awsp's own reading of the files (which follows botocore's parser: lower-cased keys, names with
// spaces, `;` and `#` kept in values). Pure: nothing here reads the network or runs a process.
//
// botocore, for `--profile P` (environment keys are not consulted):
//   1. role_arn without web_identity_token_file: AssumeRole, its source from source_profile or
//      credential_source;
//   2. web_identity_token_file: AssumeRoleWithWebIdentity;
//   3. sso_account_id or sso_role_name: IAM Identity Center;
//   4. aws_access_key_id in the credentials file's section;
//   5. credential_process (config and credentials file merged);
//   6. aws_access_key_id in the config file's section.
// A source_profile is resolved the same way, except that one with keys (or without role_arn)
// never assumes its own role.
import { configProfileName, namedSection, type Profile, type ProfileSet } from '../config/profiles.js';
import { show } from '../context.js';
import { UserError } from '../errors.js';
import { findProfile } from './chain.js';

/** The sources credential_source may name (botocore compares them exactly). */
export const CREDENTIAL_SOURCES = ['Environment', 'EcsContainer', 'Ec2InstanceMetadata'] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

export type Step =
  | {
      kind: 'static';
      profile: string;
      /** Which file the keys are in. */
      file: 'config' | 'credentials';
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
      expiration?: Date;
      accountId?: string;
    }
  | { kind: 'process'; profile: string; command: string }
  | { kind: 'sso'; profile: string; startUrl: string; region: string; accountId: string; roleName: string; session?: string }
  | { kind: 'web-identity'; profile: string; roleArn: string; tokenFile: string; sessionName?: string; region?: string }
  | { kind: 'source'; profile: string; source: CredentialSource }
  | {
      kind: 'role';
      profile: string;
      roleArn: string;
      externalId?: string;
      sessionName?: string;
      mfaSerial?: string;
      /** The profile's duration_seconds, when it is a number. */
      durationSeconds?: number;
      /** The region of the profile (for the STS call). */
      region?: string;
      source: Step;
    };

/** The profiles a step draws on, outermost first. */
export function stepProfiles(step: Step): string[] {
  const names = [step.profile];
  if (step.kind === 'role') for (const n of stepProfiles(step.source)) if (!names.includes(n)) names.push(n);
  return names;
}

const WHAT_IT_NEEDS =
  'it needs aws_access_key_id and aws_secret_access_key, role_arn, sso_account_id and sso_role_name, credential_process or web_identity_token_file';

/** The profiles by name, and each file's sections by profile name: built once per plan, or once per set for kinds. */
interface Index {
  readonly byName: Map<string, Profile>;
  readonly config: Map<string, Map<string, string>>;
  readonly credentials: Map<string, Map<string, string>>;
}

function buildIndex(set: ProfileSet): Index {
  const sections = (file: 'config' | 'credentials') => {
    const found = new Map<string, Map<string, string>>();
    // `[default]` and `[profile default]` are the same profile: the later section wins.
    for (const s of (file === 'config' ? set.config.ini : set.credentials.ini).sections) {
      const name = file === 'config' ? configProfileName(s.name) : s.name;
      if (name !== null) found.set(name, s.options);
    }
    return found;
  };
  return { byName: new Map(set.profiles.map((p) => [p.name, p])), config: sections('config'), credentials: sections('credentials') };
}

/** The options of one file's section for a profile, with that file's [DEFAULT] values, as botocore reads that file alone. */
function fileSection(set: ProfileSet, index: Index, file: 'config' | 'credentials', name: string): Map<string, string> | undefined {
  const found = index[file].get(name);
  const defaults = (file === 'config' ? set.config.ini : set.credentials.ini).defaults;
  return found && (defaults.size === 0 ? found : new Map([...defaults, ...found]));
}

class Planner {
  private readonly visited: string[];

  constructor(
    private readonly set: ProfileSet,
    top: string,
    private readonly index: Index = buildIndex(set),
  ) {
    this.visited = [top];
  }

  private options(name: string): Map<string, string> {
    return this.index.byName.get(name)!.options;
  }

  static isRole(o: Map<string, string>): boolean {
    return o.has('role_arn') && !o.has('web_identity_token_file');
  }

  static hasKeys(o: Map<string, string>): boolean {
    return o.has('aws_access_key_id') || o.has('aws_secret_access_key');
  }

  top(name: string): Step {
    const step = this.source(name);
    if (!step) throw new UserError(`profile ${show(name)} has no credentials: ${WHAT_IT_NEEDS}`);
    return step;
  }

  /** The top step, or null for a profile with no credentials of its own (settings only). */
  source(name: string): Step | null {
    return Planner.isRole(this.options(name)) ? this.role(name) : this.providers(name);
  }

  /** botocore's ProfileProviderBuilder: web identity, SSO, credentials file, process, config file. */
  private providers(name: string): Step | null {
    const o = this.options(name);
    const tokenFile = o.get('web_identity_token_file');
    if (tokenFile) {
      const roleArn = o.get('role_arn');
      if (!roleArn) throw new UserError(`profile ${show(name)} has web_identity_token_file but no role_arn to assume with it`);
      return { kind: 'web-identity', profile: name, roleArn, tokenFile, sessionName: o.get('role_session_name'), region: o.get('region') || undefined };
    }
    if (o.has('sso_account_id') || o.has('sso_role_name')) return this.sso(name, o);
    const fromCredentials = this.staticKeys(name, 'credentials');
    if (fromCredentials) return fromCredentials;
    const command = o.get('credential_process');
    if (command !== undefined) {
      if (command.trim() === '') throw new UserError(`profile ${show(name)} has an empty credential_process`);
      return { kind: 'process', profile: name, command };
    }
    return this.staticKeys(name, 'config');
  }

  private staticKeys(name: string, file: 'config' | 'credentials'): Step | null {
    const o = fileSection(this.set, this.index, file, name);
    const id = o?.get('aws_access_key_id');
    if (o === undefined || id === undefined) return null;
    const path = file === 'config' ? this.set.config.path : this.set.credentials.path;
    const secret = o.get('aws_secret_access_key');
    if (secret === undefined) {
      throw new UserError(`profile ${show(name)} has aws_access_key_id but no aws_secret_access_key in ${path}; add it, as the AWS CLI also requires`);
    }
    // botocore reads the old name first.
    const token = o.get('aws_security_token') ?? o.get('aws_session_token');
    const step: Step = { kind: 'static', profile: name, file, accessKeyId: id, secretAccessKey: secret };
    if (token !== undefined && token !== '') step.sessionToken = token;
    // Keys written by --write-credentials (or the CLI) carry their expiration beside them.
    const expires = o.get('aws_credential_expiration');
    if (step.sessionToken !== undefined && expires) {
      const t = new Date(expires);
      if (!Number.isNaN(t.getTime())) step.expiration = t;
    }
    const account = o.get('aws_account_id');
    if (account) step.accountId = account;
    return step;
  }

  private sso(name: string, o: Map<string, string>): Step {
    const merged = new Map(o);
    const sessionName = o.get('sso_session');
    const required = ['sso_role_name', 'sso_account_id', 'sso_start_url', 'sso_region'];
    if (sessionName !== undefined) {
      const session = namedSection(this.set, 'sso-session', sessionName);
      if (!session) throw new UserError(`profile ${show(name)} names sso_session ${show(sessionName)}, but the config has no [sso-session ${sessionName}]`);
      for (const [k, v] of session) {
        const mine = o.get(k);
        if (mine !== undefined && mine !== v) {
          throw new UserError(`profile ${show(name)} and [sso-session ${sessionName}] disagree on ${k} (${show(mine)} and ${show(v)}); keep one`);
        }
        merged.set(k, v);
      }
    }
    const missing = required.filter((k) => !merged.has(k));
    if (missing.length > 0) throw new UserError(`profile ${show(name)} is set up for SSO but lacks ${missing.join(', ')}`);
    const step: Step = {
      kind: 'sso',
      profile: name,
      startUrl: merged.get('sso_start_url')!,
      region: merged.get('sso_region')!,
      accountId: merged.get('sso_account_id')!,
      roleName: merged.get('sso_role_name')!,
    };
    if (sessionName !== undefined) step.session = sessionName;
    return step;
  }

  private role(name: string): Step {
    const o = this.options(name);
    const sourceProfile = o.get('source_profile');
    const credentialSource = o.get('credential_source');
    if (sourceProfile !== undefined && credentialSource !== undefined) {
      throw new UserError(`profile ${show(name)} has both source_profile and credential_source; keep one`);
    }
    if (sourceProfile === undefined && credentialSource === undefined) {
      throw new UserError(`profile ${show(name)} has role_arn but neither source_profile nor credential_source to assume it with`);
    }
    let source: Step;
    if (credentialSource !== undefined) {
      if (!(CREDENTIAL_SOURCES as readonly string[]).includes(credentialSource)) {
        throw new UserError(`profile ${show(name)} has credential_source ${show(credentialSource)}; it takes ${CREDENTIAL_SOURCES.join(', ')}`);
      }
      source = { kind: 'source', profile: name, source: credentialSource as CredentialSource };
    } else {
      source = this.sourceProfile(name, sourceProfile!);
    }
    const duration = o.get('duration_seconds');
    const step: Step = { kind: 'role', profile: name, roleArn: o.get('role_arn')!, source };
    if (o.get('external_id') !== undefined) step.externalId = o.get('external_id');
    if (o.get('role_session_name') !== undefined) step.sessionName = o.get('role_session_name');
    if (o.get('mfa_serial')) step.mfaSerial = o.get('mfa_serial');
    // botocore passes int(duration_seconds) and ignores a value that is not one.
    if (duration !== undefined && /^\s*[+-]?\d+\s*$/.test(duration)) step.durationSeconds = Number(duration);
    if (o.get('region')) step.region = o.get('region');
    return step;
  }

  private sourceProfile(parent: string, name: string): Step {
    if (!this.index.byName.has(name)) {
      throw new UserError(`profile ${show(parent)} has source_profile ${show(name)}, which does not exist; fix source_profile in the configuration`);
    }
    const o = this.options(name);
    if (this.visited.includes(name)) {
      // A profile may name itself to assume its role with its own keys; any other repeat is a loop.
      if (name !== parent || !Planner.hasKeys(o)) {
        throw new UserError(`source_profile loops: ${[...this.visited, name].join(' -> ')}; one of them needs credentials of its own`);
      }
    }
    this.visited.push(name);
    if (Planner.hasKeys(o) || !Planner.isRole(o)) {
      const step = this.providers(name);
      if (!step) throw new UserError(`profile ${show(name)} is the source_profile of ${show(parent)} but has no credentials: ${WHAT_IT_NEEDS}`);
      return step;
    }
    return this.role(name);
  }
}

/** The source of PROFILE's credentials, as the AWS CLI would resolve it; a UserError where the CLI would fail. */
export function planProfile(set: ProfileSet, profile: string): Step {
  findProfile(set, profile);
  return new Planner(set, profile).top(profile);
}

/**
 * The kind of credentials a profile gives, as list, status and the picker show it: the kind of
 * the step the resolver would take, `-` for a profile of settings only, `invalid` for one the
 * resolver refuses (its error is said when it is used).
 */
export type ProfileKind = Exclude<Step['kind'], 'source'> | '-' | 'invalid';

// One index per loaded set: a list of many profiles is planned in linear time.
const indexes = new WeakMap<ProfileSet, Index>();

export function profileKind(set: ProfileSet, profile: string): ProfileKind {
  let index = indexes.get(set);
  if (!index) indexes.set(set, (index = buildIndex(set)));
  try {
    // A role's source is never the top step: `source` only appears inside a role.
    return (new Planner(set, profile, index).source(profile)?.kind ?? '-') as ProfileKind;
  } catch (e) {
    if (e instanceof UserError) return 'invalid';
    throw e;
  }
}
