// Lints the shell integration: shellcheck (--enable=all) on the bash file and on the zsh file
// read as bash (its header holds the reasoned disables), the shells' own parsers (bash -n,
// zsh -n, fish --no-execute). A missing linter is a failure, never a skip.
import { spawnSync } from 'node:child_process';

const checks = [
  // SC2250 (braces around every variable reference) is a house style we do not follow.
  ['shellcheck', '--enable=all', '--severity=style', '--exclude=SC2250', 'shell/awsp.bash'],
  ['shellcheck', '--enable=all', '--severity=style', '--exclude=SC2250', 'shell/awsp.zsh'],
  ['bash', '-n', 'shell/awsp.bash'],
  ['zsh', '-n', 'shell/awsp.zsh'],
  ['fish', '--no-execute', 'shell/awsp.fish'],
];

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
