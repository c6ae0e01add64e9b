// `awsp sso populate` (profiles for every account and role of a session) and `awsp sso add`
// (the [sso-session] section they need), both written through the one AWS-file writer.
import { readFileSync } from 'node:fs';
import { appendSection } from '../config/block.js';
import { parseIni } from '../config/ini.js';
import { checkAwsFile, rewriteAwsFile } from '../config/write.js';
import { type Env, readProfiles, show, warn } from '../context.js';
import { UserError } from '../errors.js';
import { out, stdoutIsTerminal } from '../output.js';
import { chooseTarget, iniSessions, loginCommand } from '../sso/config.js';
import { unifiedDiff } from '../sso/diff.js';
import { listAssignments, usableToken } from '../sso/portal.js';
import { checkTemplate, DEFAULT_TEMPLATE, type PopulateInput, type PopulateReport, populateText, validAssignments } from '../sso/populate.js';
import { interruptible } from '../sso/signals.js';
import { escapeText } from '../text.js';
import { type Parsed, usageError } from './parse.js';

/** Options that belong to one action only. */
const ONLY: Record<string, string[]> = { populate: ['template', 'dry-run', 'sso-session'], add: ['start-url'] };

export async function ssoCommand(a: Parsed, env: Env): Promise<number> {
  const action = a.args[0]!;
  for (const [other, opts] of Object.entries(ONLY)) {
    if (other === action) continue;
    const wrong = opts.find((o) => (o === 'dry-run' ? a.flag(o) : a.value(o) !== undefined));
    if (wrong) throw usageError(a.spec, `--${wrong} goes with awsp sso ${other}, not ${action}`);
  }
  // Ctrl-C while the portal is listed ends awsp at once; during the write, right after it.
  return interruptible(() => (action === 'add' ? add(a, env) : populate(a, env)));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

async function populate(a: Parsed, env: Env): Promise<number> {
  if (a.args.length > 1) throw usageError(a.spec, `sso populate takes no name (it writes the profiles of --sso-session NAME), not ${show(a.args[1]!)}`);
  const template = a.value('template') ?? DEFAULT_TEMPLATE;
  checkTemplate(template);
  const { set, paths } = readProfiles(env);
  const t = chooseTarget(set, env, { session: a.value('sso-session') });
  if (t.session === null) {
    throw new UserError(`profile ${show(t.profile!)} signs in with its own sso_start_url; populate writes profiles that name an [sso-session]: add one with awsp sso add NAME --start-url URL --region REGION`);
  }
  const dryRun = a.flag('dry-run');
  // Refused before any call to AWS: a file the writer would not touch.
  checkAwsFile(paths.config);
  const token = await usableToken(t, env);
  const { ok, bad } = validAssignments(await listAssignments(t, token));
  for (const b of bad) warn(`left out ${b}`);
  const input: PopulateInput = {
    session: t.session,
    region: a.value('region') ?? t.region,
    template,
    assignments: ok,
    credentialNames: new Set(set.profiles.filter((p) => p.inCredentials).map((p) => p.name)),
  };
  let report: PopulateReport;
  let changed = false;
  if (dryRun) {
    const text = readText(paths.config);
    const r = populateText(text, input);
    report = r.report;
    const diff = unifiedDiff(text, r.text, paths.config);
    changed = diff !== '';
    out(stdoutIsTerminal() ? diff.split('\n').map(escapeText).join('\n') : diff);
  } else {
    rewriteAwsFile(paths.config, (text) => {
      const r = populateText(text, input);
      report = r.report;
      changed = r.text !== text;
      return r.text;
    });
  }
  report = report!;
  for (const s of report.skipped) warn(`skipped ${show(s.name)}: ${s.why}`);
  const counts = changed ? ` (${report.added.length} added, ${report.removed.length} removed)` : ', unchanged';
  const verb = dryRun ? 'would hold' : 'holds';
  warn(`the block of sso-session ${show(t.session)} in ${paths.config} ${verb} ${report.profiles.length} profile${report.profiles.length === 1 ? '' : 's'}${counts}${dryRun ? '; nothing was written (--dry-run)' : ''}`);
  return 0;
}

const SESSION_NAME = /^[A-Za-z0-9_.@+-]+$/;
// eslint-disable-next-line no-control-regex
const URL_OK = /^https?:\/\/[^\s\x00-\x1f\x7f]+$/;

async function add(a: Parsed, env: Env): Promise<number> {
  const name = a.args[1];
  if (name === undefined) throw usageError(a.spec, 'sso add needs the new session\'s NAME: awsp sso add NAME --start-url URL --region REGION');
  if (!SESSION_NAME.test(name) || name.startsWith('-')) throw usageError(a.spec, `an sso-session name may hold letters, digits and _ . @ + - only, not ${show(name)}`);
  const url = a.value('start-url');
  const region = a.value('region');
  if (url === undefined || region === undefined) throw usageError(a.spec, `sso add needs --start-url URL and --region REGION (the region of IAM Identity Center)`);
  if (!URL_OK.test(url)) throw usageError(a.spec, `--start-url takes the portal's URL (https://…/start), not ${show(url)}`);
  const { paths } = readProfiles(env);
  let existed = false;
  rewriteAwsFile(paths.config, (text) => {
    const have = iniSessions(parseIni(text)).get(name);
    if (have) {
      if (have.get('sso_start_url') === url && have.get('sso_region') === region) {
        existed = true;
        return text;
      }
      throw new UserError(`[sso-session ${name}] exists already in ${paths.config} with other settings; edit it there`);
    }
    return appendSection(text, `sso-session ${name}`, [`sso_start_url = ${url}`, `sso_region = ${region}`, 'sso_registration_scopes = sso:account:access']);
  });
  const next = `${loginCommand({ session: name, profile: null, startUrl: url, region, scopes: null })}, then: awsp sso populate --sso-session ${name}`;
  warn(`${existed ? `[sso-session ${name}] is in ${paths.config} already` : `added [sso-session ${name}] to ${paths.config}`}; next: ${next}`);
  return 0;
}
