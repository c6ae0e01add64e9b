// TAB completion, driven for real: bash and zsh in a pseudo-terminal (the line as the line
// editor holds it after TAB), bash's registered function called the way bash calls it, and
// fish through `complete -C`. Hostile names must complete to a line that means the name, and
// nothing may run while completing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dump, q, run, sandbox, type Sandbox, typeTab } from '../helpers/sandbox.js';

function files(): Sandbox {
  const sb = sandbox();
  sb.writeConfig('[default]\n[profile dev]\n[profile prod]\n[profile acme:prod]\n[profile acme:test]\n[profile team/x]\n[profile me@corp]\n[profile p+q]\n[profile a=b]\n');
  sb.writeCredentials(['with space', '$(touch canary1)', '`touch canary2`', "it's", 'x\\y', 'semi;colon', '*star'].map((n) => `[${n}]\n`).join(''));
  return sb;
}

const noCanary = (sb: Sandbox) => {
  for (const c of ['canary1', 'canary2']) assert.equal(existsSync(join(sb.dir, c)), false, `${c} was created: a name ran`);
};

// What typing LINE then TAB leaves on the line, in bash and in zsh.
const TYPED: [line: string, want: string][] = [
  ['awsp pro', 'awsp prod '],
  ['awsp de', 'awsp de'],
  ['awsp acme:p', 'awsp acme:prod '],
  ['awsp acme:t', 'awsp acme:test '],
  ['awsp team/', 'awsp team/x '],
  ['awsp me@', 'awsp me@corp '],
  ['awsp a=', 'awsp a=b '],
  ['awsp use acme:p', 'awsp use acme:prod '],
  ['awsp exports me@', 'awsp exports me@corp '],
  ['awsp exec team/', 'awsp exec team/x '],
  ['awsp with', 'awsp with\\ space '],
  ['awsp it', "awsp it\\'s "],
  ['awsp x', 'awsp x\\\\y '],
  ['awsp sem', 'awsp semi\\;colon '],
  ['awsp \\*', 'awsp \\*star '],
  ['awsp \\$\\(to', 'awsp \\$\\(touch\\ canary1\\) '],
  ['awsp \\`', 'awsp \\`touch\\ canary2\\` '],
  ['awsp init z', 'awsp init zsh '],
  ['awsp --un', 'awsp --unset '],
  ['awsp list --j', 'awsp list --json '],
  ['awsp dev --reg', 'awsp dev --region '],
  ['awsp lis', 'awsp list '],
  ['awsp nothing', 'awsp nothing'],
  ['awsp $(to', 'awsp $(to'],
];

for (const shell of ['bash', 'zsh'] as const) {
  describe(`${shell}: TAB in an interactive shell`, () => {
    it('completes names, subcommands and options to the right command line', () => {
      const sb = files();
      try {
        const extra: [string, string][] =
          shell === 'bash'
            ? [
                ["awsp 'with s", "awsp 'with space' "],
                ['awsp "with s', 'awsp "with space" '],
                ["awsp 'acme:p", "awsp 'acme:prod' "],
                ['awsp with\\ s', 'awsp with\\ space '],
              ]
            : [["awsp 'with s", "awsp 'with space' "]];
        const all = [...TYPED, ...extra];
        const got = typeTab(shell, sb, all.map(([l]) => l));
        const bad = all.map(([l, want], i) => ({ l, want, got: got[i] })).filter((x) => x.got !== x.want);
        assert.deepEqual(bad, [], `${shell} lines after TAB differ`);
        noCanary(sb);
      } finally {
        sb.cleanup();
      }
    });

    it('the completed line switches to exactly that profile', () => {
      const sb = files();
      try {
        // Completing then running: the inserted text must mean the name.
        const names = ['acme:prod', 'with space', "it's", '$(touch canary1)', 'x\\y'];
        const lines = typeTab(shell, sb, ['awsp acme:p', 'awsp with', 'awsp it', 'awsp \\$\\(to', 'awsp x']);
        const script = lines.map((l) => `${l}\n\\builtin printf '%s\\n' "$AWS_PROFILE"`).join('\n');
        const r = run(shell, sb, script);
        assert.deepEqual(r.stdout.trimEnd().split('\n'), names, dump(r));
        noCanary(sb);
      } finally {
        sb.cleanup();
      }
    });
  });
}

describe('bash: the registered completion function, called as bash calls it', () => {
  it('is registered with complete -F and answers COMP_WORDS split at word breaks', () => {
    const sb = files();
    try {
      // COMP_WORDS as bash splits them (COMP_WORDBREAKS holds : = @), $2 as readline passes it.
      const cases: [words: string[], cword: number, line: string, text: string, want: string[]][] = [
        [['awsp', 'acme', ':', 'p'], 3, 'awsp acme:p', 'p', ['prod']],
        [['awsp', 'acme', ':'], 2, 'awsp acme:', '', ['prod', 'test']],
        [['awsp', 'me', '@', 'c'], 3, 'awsp me@c', '@c', ['@corp']],
        [['awsp', 'use', 'team/'], 2, 'awsp use team/', 'team/', ['team/x']],
        [['awsp', 'wi'], 1, 'awsp wi', 'wi', ['with\\ space']],
        [['awsp', "'wi"], 1, "awsp 'wi", 'wi', ['with space']],
        [['awsp', 'init', ''], 2, 'awsp init ', '', ['bash', 'zsh', 'fish']],
        [['awsp', 'dev', '--region', ''], 3, 'awsp dev --region ', '', ['eu-west-1', 'us-east-1', 'ap-southeast-2']],
      ];
      const script = [
        'set -euo pipefail',
        `f=$(complete -p awsp); f=\${f##*-F }; f=\${f%% *}`,
        ...cases.map(([words, cword, line, text]) =>
          [
            `COMP_WORDS=(${words.map((w) => q('bash', w)).join(' ')}); COMP_CWORD=${cword}; COMP_LINE=${q('bash', line)}; COMP_POINT=${Buffer.byteLength(line) === line.length ? line.length : line.length}`,
            `COMPREPLY=(); "$f" awsp ${q('bash', text)} ${q('bash', words[cword - 1] ?? '')}`,
            `printf '%s\\n' "\${#COMPREPLY[@]}" \${COMPREPLY[@]+"\${COMPREPLY[@]}"}`,
          ].join('\n'),
        ),
      ].join('\n');
      const r = run('bash', sb, script, { strict: true });
      assert.equal(r.code, 0, dump(r));
      const lines = r.stdout.split('\n');
      let at = 0;
      for (const [words, , , , want] of cases) {
        const n = Number(lines[at]);
        const got = lines.slice(at + 1, at + 1 + n);
        at += 1 + n;
        assert.deepEqual(got.filter((g) => want.includes(g) || !want.length).sort(), [...want].sort(), `${words.join(' ')}: ${JSON.stringify(got)}`);
      }
      noCanary(sb);
    } finally {
      sb.cleanup();
    }
  });
});

describe('fish: complete -C', () => {
  it('offers names, subcommands, shells and options', () => {
    const sb = files();
    try {
      const asks = ['awsp de', 'awsp ', 'awsp use ', 'awsp exports ', 'awsp exec ', 'awsp init ', 'awsp -', 'awsp list -', 'awsp dev -', 'awsp acme:', 'awsp exports --'];
      const script = asks.map((a) => `builtin printf '@@%s\\n' ${q('fish', a)}; complete -C ${q('fish', a)}`).join('\n');
      for (const prelude of ['', 'set -g IFS ""\nfunction printf; return 99; end\nfunction count; return 99; end\nfunction contains; return 99; end\nfunction commandline; return 99; end\n']) {
        const r = run('fish', sb, prelude + script);
        assert.equal(r.stderr, '', dump(r));
        const got = new Map<string, string[]>();
        for (const block of r.stdout.split('@@').slice(1)) {
          const [ask, ...rest] = block.split('\n');
          got.set(ask!, rest.filter(Boolean).map((l) => l.split('\t')[0]!));
        }
        const has = (ask: string, ...want: string[]) => {
          for (const w of want) assert.ok(got.get(ask)?.includes(w), `fish ${JSON.stringify(ask)} lacks ${w}: ${JSON.stringify(got.get(ask))} (prelude: ${prelude !== ''})`);
        };
        const lacks = (ask: string, ...not: string[]) => {
          for (const w of not) assert.ok(!got.get(ask)?.includes(w), `fish ${JSON.stringify(ask)} offers ${w}: ${JSON.stringify(got.get(ask))} (prelude: ${prelude !== ""})`);
        };
        // deny is a command: offered beside the names.
        assert.deepEqual(got.get('awsp de')?.sort(), ['default', 'deny', 'dev']);
        has('awsp ', 'dev', 'acme:prod', 'with space', '$(touch canary1)', "it's", 'use', 'list', 'exports', 'exec', 'init');
        for (const sub of ['awsp use ', 'awsp exports ', 'awsp exec ']) {
          has(sub, 'dev', 'team/x', 'me@corp', 'with space', '$(touch canary1)');
          lacks(sub, 'list', 'init');
        }
        assert.deepEqual(got.get('awsp init ')?.sort(), ['bash', 'fish', 'zsh']);
        has('awsp -', '--unset', '-u', '--region', '--help', '--version');
        has('awsp list -', '--json');
        has('awsp dev -', '--region');
        has('awsp acme:', 'acme:prod', 'acme:test');
        has('awsp exports --', '--format', '--duration', '--no-session');
      }
      noCanary(sb);
    } finally {
      sb.cleanup();
    }
  });
});
