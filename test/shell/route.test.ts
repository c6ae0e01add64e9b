// The shell function routes as the command table says, in bash, zsh and fish: each command to
// the program, the switch to itself, and commands whose route is `eval` to an evaluation of
// what the program prints on stdout, only when it succeeds. (No command has that route yet:
// the test renders the integration from the table plus one.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS, TOP_OPTIONS } from '../../src/commands/table.js';
import { sdkRegions } from '../../src/regions.js';
import { spliceLazy } from '../../src/shells/index.js';
import { renderIntegration } from '../../src/shells/render.js';
import { dump, q, REPO, run, sandbox, type Sandbox, SHELLS, type ShellName } from '../helpers/sandbox.js';

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig('[profile dev]\n');
});
after(() => sb.cleanup());

const routeOf = (shell: ShellName, word: string) =>
  shell === 'fish' ? `builtin printf '%s\\n' (__awsp_route ${q(shell, word)})` : `route=''; __awsp_route ${q(shell, word)}; printf '%s\\n' "$route"`;

describe('routing', () => {
  for (const shell of SHELLS) {
    it(`${shell}: every word of the table goes where the table says`, () => {
      const words: Array<[string, string]> = [
        ...COMMANDS.map((c): [string, string] => [c.name, c.route]),
        ...TOP_OPTIONS.flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])].map((w): [string, string] => [w, o.long === 'unset' ? 'unset' : o.long === 'region' ? 'switch' : 'run'])),
        ['dev', 'switch'],
        ['some-profile', 'switch'],
      ];
      const r = run(shell, sb, words.map(([w]) => routeOf(shell, w)).join('\n'), { load: 'init' });
      assert.equal(r.code, 0, dump(r));
      assert.deepEqual(r.stdout.trimEnd().split('\n'), words.map(([, route]) => route), dump(r));
    });

    it(`${shell}: a command routed to eval has its stdout evaluated, and only when it succeeds`, () => {
      // The integration rendered from the table plus a command whose route is eval, with a
      // stand-in program on PATH.
      const table = [...COMMANDS, { ...COMMANDS.find((c) => c.name === 'status')!, name: 'fakepick', route: 'eval' as const }];
      const template = (name: string) => readFileSync(join(REPO, 'shell', `${name}.${shell}`), 'utf8');
      const r0 = renderIntegration(shell, { main: template('awsp'), lazy: template('awsp-lazy') }, sdkRegions(), table);
      const file = sb.write(`rendered/awsp.${shell}`, spliceLazy(r0.main, r0.lazy));
      const fake = sb.write(
        `fake-${shell}/awsp`,
        [
          '#!/bin/sh',
          'echo "awsp: a message on stderr ($AWSP_SHELL)" >&2',
          'case " $* " in *" --help "*) echo "help text"; exit 0 ;; esac',
          `case $2 in`,
          `  ok) echo ${q('bash', shell === 'fish' ? 'set -gx PICKED yes' : 'export PICKED=yes')} ;;`,
          `  fail) echo ${q('bash', shell === 'fish' ? 'set -gx FAILED yes' : 'export FAILED=yes')}; exit 3 ;;`,
          'esac',
          '',
        ].join('\n'),
        0o755,
      );
      const load = shell === 'fish' ? `source ${q(shell, file)}\nset -gx PATH ${q(shell, dirname(fake))} $PATH` : `. ${q(shell, file)}\nexport PATH=${q(shell, dirname(fake))}:$PATH`;
      const status = shell === 'fish' ? 'echo "status $status"' : 'echo "status $?"';
      const show = shell === 'fish' ? 'echo "PICKED=$PICKED FAILED=$FAILED"' : 'echo "PICKED=${PICKED-} FAILED=${FAILED-}"';
      const r = run(shell, sb, [load, 'awsp fakepick ok', status, 'awsp fakepick fail', status, 'awsp fakepick --help', status, show].join('\n'), { load: false });
      assert.equal(r.stdout, 'status 0\nstatus 3\nhelp text\nstatus 0\nPICKED=yes FAILED=\n', dump(r));
      assert.equal(r.stderr, `awsp: a message on stderr (${shell})\n`.repeat(3), dump(r));
    });
  }
});
