// Help and parse errors, written from the command table: every command's help has its usage
// and an example; every parse error is one line in awsp's words, naming the option and what it
// wanted, with where to read more, and exits 2. Through the shell function, help is printed,
// never evaluated. Regions: a did-you-mean for an unknown one, set all the same; `--region R`
// alone changes only the region.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from '../../src/commands/parse.js';
import { COMMANDS, findCommand } from '../../src/commands/table.js';
import { awsp, dump, run, sandbox, type Sandbox, SHELLS } from '../helpers/sandbox.js';

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig('[profile dev]\nregion = eu-west-1\n[profile prod]\n');
});
after(() => sb.cleanup());

const visible = COMMANDS.filter((c) => !c.hidden);

describe('help', () => {
  it('awsp help CMD, awsp CMD --help and awsp CMD -h: the usage, the options, an example', () => {
    for (const c of visible) {
      for (const argv of [['help', c.name], [c.name, '--help'], [c.name, '-h']]) {
        const r0 = awsp(sb, argv);
        assert.equal(r0.code, 0, `${argv.join(' ')}: ${dump(r0)}`);
        // What a command routed to eval prints on stdout is evaluated: its help goes to stderr.
        const [text, quiet] = c.route === 'eval' && argv[0] !== 'help' ? [r0.stderr, r0.stdout] : [r0.stdout, r0.stderr];
        assert.equal(quiet, '', argv.join(' '));
        const r = { stdout: text };
        assert.match(r.stdout, new RegExp(`^usage: awsp${c.name === 'use' ? '' : ` ${c.name}`}`), argv.join(' '));
        assert.match(r.stdout, /\nExamples?:\n {2}\S/, argv.join(' '));
        for (const o of c.options) assert.ok(r.stdout.includes(`--${o.long}`), `${argv.join(' ')} lacks --${o.long}`);
      }
    }
  });

  it('awsp help ALIAS is the help of the command it names, for every alias in the table', () => {
    const aliased = visible.filter((c) => (c.aliases ?? []).length > 0);
    assert.ok(aliased.length > 0, 'the table has aliases (pick: -i)');
    for (const c of aliased) {
      const want = awsp(sb, ['help', c.name]);
      for (const alias of c.aliases!) {
        const r = awsp(sb, ['help', alias]);
        assert.equal(r.code, 0, `help ${alias}: ${dump(r)}`);
        assert.equal(r.stderr, '', `help ${alias}`);
        assert.equal(r.stdout, want.stdout, `help ${alias} is help ${c.name}`);
      }
    }
  });

  it('awsp --help lists every command with its summary, and the options', () => {
    const r = awsp(sb, ['--help']);
    assert.equal(r.code, 0);
    for (const c of visible) assert.ok(r.stdout.includes(c.summary), c.name);
    for (const o of ['--unset', '--region', '--help', '--version']) assert.ok(r.stdout.includes(o), o);
    for (const c of COMMANDS.filter((x) => x.hidden)) assert.ok(!r.stdout.includes(c.name), `${c.name} is internal`);
  });

  it('help for an unknown command names the commands', () => {
    const r = awsp(sb, ['help', 'nope']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `awsp: no command 'nope'; the commands are ${visible.map((c) => c.name).join(', ')}\n`);
  });

  for (const shell of SHELLS) {
    it(`${shell}: through the shell function, help is printed, never evaluated`, () => {
      const r = run(shell, sb, 'awsp dev --help\nawsp exports -h\nawsp -r eu-west-1 --help\nawsp use --help', { strict: true });
      assert.equal(r.code, 0, dump(r));
      assert.equal(r.stderr, '', dump(r));
      assert.equal(r.stdout.match(/^awsp: switch AWS profiles in this shell$/gm)?.length, 2, dump(r));
      assert.match(r.stdout, /^usage: awsp exports /m);
      assert.match(r.stdout, /^usage: awsp \[PROFILE\] \[options\]$/m);
    });
  }
});

describe('parse errors', () => {
  // argv, then what the one line must say.
  const CASES: Array<[string[], RegExp]> = [
    [['exports', '--format'], /^awsp: --format \(-f\) needs a value \(FORMAT\); see awsp exports --help$/],
    [['exports', '--format', 'yaml'], /^awsp: unknown format 'yaml'; one of bash, zsh, fish, powershell, env, dotenv, json, process; see awsp exports --help$/],
    [['exports', '-d', '10'], /^awsp: --duration takes seconds \(900\) or a length like 15m, 1h, 36h, .*not '10'; see awsp exports --help$/],
    [['exec', '--duration', '37h', '--', 'true'], /^awsp: --duration takes .*not '37h'; see awsp exec --help$/],
    [['exports', '--bogus'], /^awsp: unknown option '--bogus'; see awsp exports --help$/],
    [['exports', '--reveal=yes'], /^awsp: --reveal takes no value; see awsp exports --help$/],
    [['exports', 'a', 'b'], /^awsp: exports takes one profile at most, not 'a' 'b' \(usage: awsp exports \[PROFILE\] \[options\]\); see awsp exports --help$/],
    [['exec', 'dev', '-d'], /^awsp: --duration \(-d\) needs a value \(DURATION\); see awsp exec --help$/],
    [['init'], /^awsp: init needs a shell \(usage: awsp init SHELL\); see awsp init --help$/],
    [['init', 'ksh'], /^awsp: unknown shell 'ksh'; awsp supports bash, zsh, fish; see awsp init --help$/],
    [['dev', '--region'], /^awsp: --region \(-r\) needs a value \(REGION\); see awsp --help$/],
    [['dev', '--region', 'Not A Region'], /^awsp: 'Not A Region' is not a region name \(e\.g\. eu-west-1\); see awsp --help$/],
    [['dev', '--json'], /^awsp: unknown option '--json'; for a profile whose name begins with '-', write: awsp use -- NAME; see awsp --help$/],
    [['use'], /^awsp: a switch needs a profile, or --region R alone to change only the region; see awsp --help$/],
    [['list', '--json=1'], /^awsp: --json takes no value; see awsp list --help$/],
    [['exports', '--force'], /^awsp: --force only goes with --write-credentials; see awsp exports --help$/],
    // serve prints only variables: process is a format of credentials, so serve's list leaves it out.
    [['serve', '--format', 'process'], /^awsp: --format takes bash, zsh, fish, powershell, env, dotenv or json, not 'process'; see awsp serve --help$/],
    [['serve', '-f', 'yaml'], /^awsp: --format takes bash, zsh, fish, powershell, env, dotenv or json, not 'yaml'; see awsp serve --help$/],
  ];
  it('one line each, exit 2, naming the option and what it wanted', () => {
    for (const [argv, want] of CASES) {
      const r = awsp(sb, argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${dump(r)}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').length, 2, `${argv.join(' ')}: one line: ${r.stderr}`);
      assert.match(r.stderr.trimEnd(), want, argv.join(' '));
    }
  });

  it('the shell function passes them on unchanged (the switch speaks as awsp, never as __switch)', () => {
    for (const shell of SHELLS) {
      const r = run(shell, sb, 'awsp dev extra\nawsp dev --bogus\nawsp dev --region');
      assert.doesNotMatch(r.stderr, /__switch/, dump(r));
      assert.equal(r.stderr.trimEnd().split('\n').length, 3, dump(r));
      assert.match(r.stderr, /^awsp: a switch takes one profile at most, not 'dev' 'extra'/m, dump(r));
    }
  });

  it('durations: seconds, minutes, hours, and -d', () => {
    const exportsSpec = findCommand('exports')!;
    for (const [text, seconds] of [['900', 900], ['15m', 900], ['1h', 3600], ['12h', 43200], ['36h', 129600], ['1h30m', 5400]] as const) {
      assert.equal(parse(exportsSpec, ['--duration', text]).seconds('duration'), seconds, text);
      assert.equal(parse(exportsSpec, [`-d${text}`]).seconds('duration'), seconds, `-d${text}`);
      assert.equal(parse(exportsSpec, [`--duration=${text}`]).seconds('duration'), seconds, `--duration=${text}`);
    }
    for (const bad of ['899', '14m', '37h', '1d', '', 'h', '1.5h']) assert.throws(() => parse(exportsSpec, ['--duration', bad]), /--duration takes/, bad);
  });
});

describe('regions', () => {
  for (const shell of SHELLS) {
    it(`${shell}: an unknown region is set with a did-you-mean; --region R alone changes only the region`, () => {
      const show = shell === 'fish' ? 'printf "%s|%s|%s|%s\\n" $AWS_PROFILE $AWS_REGION $AWS_DEFAULT_REGION $AWSP_REGION' : 'printf "%s|%s|%s|%s\\n" "$AWS_PROFILE" "$AWS_REGION" "$AWS_DEFAULT_REGION" "$AWSP_REGION"';
      const r = run(shell, sb, ['awsp dev --region eu-nrth-1', show, 'awsp --region us-east-2', show, 'awsp -r ap-south-1', show].join('\n'), { strict: true });
      assert.equal(r.code, 0, dump(r));
      assert.equal(r.stdout, 'dev|eu-nrth-1|eu-nrth-1|eu-nrth-1\ndev|us-east-2|us-east-2|us-east-2\ndev|ap-south-1|ap-south-1|ap-south-1\n', dump(r));
      assert.equal(r.stderr, "awsp: 'eu-nrth-1' is not a region the AWS SDK knows; did you mean 'eu-north-1'? (set anyway: it may be newer than awsp)\n", dump(r));
    });
  }

  it('--region R alone leaves keys and a region set by hand to the user... once it is asked, it is set', () => {
    const r = run('bash', sb, 'export AWS_ACCESS_KEY_ID=AKIAHAND AWS_REGION=us-west-2\nawsp --region eu-west-3\nprintf "%s|%s|%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_REGION" "$AWSP_REGION"', { strict: true });
    assert.equal(r.stdout, 'AKIAHAND|eu-west-3|eu-west-3\n', dump(r));
  });

  it('run as a program, --region R alone says how to load the integration', () => {
    const r = awsp(sb, ['--region', 'eu-west-1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^awsp: the shell integration is not loaded/);
  });
});
