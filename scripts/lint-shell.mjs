// Lints the shell integration as the build rendered it (dist/awsp.*, run `npm run build` first):
// shellcheck (--enable=all) on the bash file and on the zsh file read as bash (its header holds
// the reasoned disables), the shells' own parsers (bash -n, zsh -n, fish --no-execute).
// A missing linter is a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const checks = [];
for (const name of ['awsp', 'awsp-lazy']) {
  // SC2250 (braces around every variable reference) is a house style we do not follow.
  checks.push(['shellcheck', '--enable=all', '--severity=style', '--exclude=SC2250', `dist/${name}.bash`]);
  checks.push(['shellcheck', '--enable=all', '--severity=style', '--exclude=SC2250', `dist/${name}.zsh`]);
  checks.push(['bash', '-n', `dist/${name}.bash`], ['zsh', '-n', `dist/${name}.zsh`], ['fish', '--no-execute', `dist/${name}.fish`]);
}
// What `awsp init SHELL` prints (both files in one), read by each shell's parser.
for (const shell of ['bash', 'zsh', 'fish']) {
  const init = spawnSync(process.execPath, ['bin/awsp.cjs', 'init', shell], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
  const file = join(mkdtempSync(join(tmpdir(), 'awsp-lint-')), `init.${shell}`);
  writeFileSync(file, init.stdout);
  checks.push(shell === 'fish' ? ['fish', '--no-execute', file] : [shell, '-n', file]);
}

let failed = 0;
for (const [cmd, ...args] of checks) {
  const r = spawnSync(cmd, args, { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
  const what = [cmd, ...args].join(' ');
  if (r.error) {
    console.error(`lint: cannot run ${cmd}: ${r.error.message}`);
    failed++;
  } else if (r.status !== 0 || r.stdout.trim() || r.stderr.trim()) {
    console.error(`lint: ${what} failed (exit ${r.status})\n${r.stdout}${r.stderr}`);
    failed++;
  } else {
    console.log(`lint: ${what}: ok`);
  }
}
process.exit(failed > 0 ? 1 : 0);
