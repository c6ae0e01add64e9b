// TAB completes every kind of value the command table names, in the three shells: subcommands,
// formats, regions (the SDK's), durations, shells, profiles after options, the command after
// exec's -- and then its arguments (files), SSO sessions. bash and zsh are driven in a pseudo-
// terminal (the line as the line editor holds it after TAB); fish through `complete -C`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMANDS } from '../../src/commands/table.js';
import { join } from 'node:path';
import { dump, q, REPO, run, sandbox, type Sandbox, typeTab } from '../helpers/sandbox.js';

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig('[default]\n[profile dev]\n[profile prod]\n[profile acme:prod]\n[sso-session corp]\nsso_region = us-east-1\n[sso-session  lab ]\n');
  // A command only this sandbox has, and a file in the folder the shells start in.
  sb.write('bin/awspfaketool', '#!/bin/sh\n', 0o755);
  sb.write('plan.tf', '');
});
after(() => sb.cleanup());

// What typing LINE then TAB leaves on the line, in bash and zsh.
const TYPED: Array<[line: string, want: string]> = [
  ['awsp st', 'awsp status '],
  ['awsp help expo', 'awsp help exports '],
  ['awsp init fi', 'awsp init fish '],
  ['awsp exports --format js', 'awsp exports --format json '],
  ['awsp exports -f pow', 'awsp exports -f powershell '],
  ['awsp exports --format=dot', 'awsp exports --format=dotenv '],
  // serve's formats leave out process: p is powershell alone.
  ['awsp serve --format p', 'awsp serve --format powershell '],
  ['awsp exports --format json pr', 'awsp exports --format json prod '],
  ['awsp exports --no-se', 'awsp exports --no-session '],
  ['awsp exports --write-credentials x --rev', 'awsp exports --write-credentials x --reveal '],
  ['awsp dev --region eu-nor', 'awsp dev --region eu-north-1 '],
  ['awsp -r us-gov-e', 'awsp -r us-gov-east-1 '],
  ['awsp --region eu-north-1 pr', 'awsp --region eu-north-1 prod '],
  ['awsp use acme:p', 'awsp use acme:prod '],
  ['awsp exec --duration 1h pr', 'awsp exec --duration 1h prod '],
  ['awsp exec -d 3', 'awsp exec -d 36h '],
  ['awsp exec prod -- awspfake', 'awsp exec prod -- awspfaketool '],
  ['awsp exec prod -- awspfaketool pla', 'awsp exec prod -- awspfaketool plan.tf '],
  ['awsp exec prod --lo', 'awsp exec prod --login '],
  // Nothing to offer: a value of no fixed kind, an option a command does not have, -u's nothing.
  ['awsp exports --write-credentials pr', 'awsp exports --write-credentials pr'],
  ['awsp exec prod --reg', 'awsp exec prod --reg'],
  ['awsp list --json pr', 'awsp list --json pr'],
  ['awsp -u pr', 'awsp -u pr'],
];

for (const shell of ['bash', 'zsh'] as const) {
  describe(`${shell}: TAB completes values`, () => {
    it('every kind, to the right command line', () => {
      const got = typeTab(shell, sb, TYPED.map(([l]) => l), { setup: `PATH=${q(shell, `${sb.dir}/bin`)}:$PATH` });
      const bad = TYPED.map(([l, want], i) => ({ l, want, got: got[i] })).filter((x) => x.got !== x.want);
      assert.deepEqual(bad, []);
    });
  });
}

describe('bash: what the first word offers', () => {
  it('profiles alone on an empty word; commands only once the word begins one', () => {
    const call = (line: string) =>
      `COMP_LINE=${q('bash', line)}; COMP_POINT=${line.length}; COMP_WORDS=(awsp x); COMP_CWORD=1; COMPREPLY=(); __awsp_complete awsp ${q('bash', line.slice(5))} awsp; printf '%s\\n' "\${COMPREPLY[@]}" ---`;
    const r = run('bash', sb, [call('awsp '), call('awsp e'), call('awsp d')].join('\n'), { strict: true });
    assert.equal(r.code, 0, dump(r));
    const [empty, e, d] = r.stdout.split('---\n').map((b) => b.split('\n').filter(Boolean).sort());
    assert.deepEqual(empty, ['acme:prod', 'default', 'dev', 'prod']);
    assert.deepEqual(e, ['exec', 'exports']);
    // deny is a command that begins with d.
    assert.deepEqual(d, ['default', 'deny', 'dev']);
  });
});

describe('fish: complete -C', () => {
  const ask = (lines: string[], prelude = '') => {
    const script = prelude + lines.map((l) => `builtin printf '@@%s\\n' ${q('fish', l)}; complete -C ${q('fish', l)}`).join('\n');
    const r = run('fish', sb, `set -gx PATH ${q('fish', `${sb.dir}/bin`)} $PATH\n${script}`);
    assert.equal(r.stderr, '', dump(r));
    const got = new Map<string, Array<[string, string]>>();
    for (const block of r.stdout.split('@@').slice(1)) {
      const [line, ...rest] = block.split('\n');
      got.set(line!, rest.filter(Boolean).map((l) => l.split('\t') as [string, string]));
    }
    return got;
  };
  const values = (got: Map<string, Array<[string, string]>>, line: string) => (got.get(line) ?? []).map(([v]) => v);

  it('every kind, with descriptions, and never files for an option value', () => {
    for (const prelude of ['', 'set -g IFS ""\n']) {
      const got = ask(
        [
          'awsp ',
          'awsp exports --format ',
          'awsp exports --format=j',
          'awsp serve -f ',
          'awsp dev --region eu-west-',
          'awsp exec -d ',
          'awsp init ',
          'awsp help ',
          'awsp exports --format json p',
          'awsp exec prod -- awspfake',
          'awsp exec prod -- awspfaketool pla',
          'awsp exports --write-credentials ',
          'awsp exports -',
          'awsp -',
        ],
        prelude,
      );
      const visible = COMMANDS.filter((c) => !c.hidden);
      // Subcommands among the profiles, each with its summary.
      for (const c of visible) assert.ok(got.get('awsp ')!.some(([v, d]) => v === c.name && d === c.summary), `${c.name} (prelude ${JSON.stringify(prelude)})`);
      assert.ok(got.get('awsp ')!.some(([v]) => v === 'dev'));
      assert.deepEqual(values(got, 'awsp exports --format ').sort(), ['bash', 'dotenv', 'env', 'fish', 'json', 'powershell', 'process', 'zsh']);
      assert.deepEqual(values(got, 'awsp exports --format=j'), ['--format=json']);
      assert.deepEqual(values(got, 'awsp serve -f ').sort(), ['bash', 'dotenv', 'env', 'fish', 'json', 'powershell', 'zsh']);
      assert.deepEqual(got.get('awsp dev --region eu-west-'), [
        ['eu-west-1', 'Europe (Ireland)'],
        ['eu-west-2', 'Europe (London)'],
        ['eu-west-3', 'Europe (Paris)'],
      ]);
      assert.deepEqual(values(got, 'awsp exec -d ').sort(), ['12h', '15m', '1h', '36h', '8h', '900']);
      assert.deepEqual(values(got, 'awsp init ').sort(), ['bash', 'fish', 'zsh']);
      assert.deepEqual(values(got, 'awsp help ').sort(), visible.map((c) => c.name).sort());
      assert.ok(values(got, 'awsp exports --format json p').includes('prod'));
      assert.ok(!values(got, 'awsp exports --format json p').includes('plan.tf'));
      assert.deepEqual(values(got, 'awsp exec prod -- awspfake'), ['awspfaketool']);
      assert.deepEqual(values(got, 'awsp exec prod -- awspfaketool pla'), ['plan.tf']);
      assert.deepEqual(values(got, 'awsp exports --write-credentials '), []);
      assert.ok(values(got, 'awsp exports -').includes('--force') && values(got, 'awsp exports -').includes('-f'), JSON.stringify(got.get('awsp exports -')));
      assert.ok(!values(got, 'awsp exports -').includes('--region'));
      assert.deepEqual(values(got, 'awsp -').sort(), ['--help', '--region', '--unset', '--version', '-V', '-h', '-r', '-u']);
    }
  });
});

describe('SSO sessions', () => {
  // No command takes one yet; the kind is completed from the config's [sso-session NAME] sections.
  it('bash, zsh and fish read the names from the config file', () => {
    const b = run('bash', sb, `COMPREPLY=(); __awsp_complete_kind sso-session '' '' ''; printf '%s\\n' "\${COMPREPLY[@]}"`, { load: 'init' });
    assert.deepEqual(b.stdout.split('\n').filter(Boolean).sort(), ['corp', 'lab'], dump(b));
    const z = run('zsh', sb, `compadd() { \\builtin shift \${@[(i)--]}; print -rl -- "$@"; }\n__awsp_complete_kind sso-session`);
    assert.deepEqual(z.stdout.split('\n').filter(Boolean).sort(), ['corp', 'lab'], dump(z));
    const f = run('fish', sb, `__awsp_complete_kind sso-session ''`);
    assert.deepEqual(f.stdout.split('\n').filter(Boolean).sort(), ['corp', 'lab'], dump(f));
  });
});

describe('the completion part is read at the first TAB', () => {
  // As install.sh loads awsp: the file itself, which leaves completion to awsp-lazy.* beside it.
  const file = (shell: string) => join(REPO, 'dist', `awsp.${shell}`);
  for (const shell of ['bash', 'zsh'] as const) {
    it(`${shell}: sourced from dist/, TAB completes the same`, () => {
      const lines = ['awsp exports --format js', 'awsp pr', 'awsp -r eu-nor'];
      const got = typeTab(shell, sb, lines, { load: `. ${q(shell, file(shell))}` });
      assert.deepEqual(got, ['awsp exports --format json ', 'awsp prod ', 'awsp -r eu-north-1 ']);
    });
  }

  it('bash: nothing of it is defined before the first TAB', () => {
    const call = `COMP_LINE='awsp pr'; COMP_POINT=7; COMP_WORDS=(awsp pr); COMP_CWORD=1; COMPREPLY=(); __awsp_complete awsp pr awsp; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = run('bash', sb, `. ${q('bash', file('bash'))}\ndeclare -F __awsp_values || echo none\n${call}\ndeclare -F __awsp_values`, { load: false, strict: true });
    assert.equal(r.stdout, 'none\nprod\n__awsp_values\n', dump(r));
  });

  it('fish: sourced from dist/, complete -C offers the same', () => {
    const r = run('fish', sb, `source ${q('fish', file('fish'))}\nfunctions -q __awsp_values; or echo none\ncomplete -C 'awsp exports --format js'\nfunctions -q __awsp_values; and echo loaded`, { load: false });
    assert.equal(r.stdout, 'none\njson\nloaded\n', dump(r));
  });
});
