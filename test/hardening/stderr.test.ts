// Only awsp's stdout is ever evaluated, in every shell (issue 8, item 3). fish's __awsp_switch
// captured `2>&1` and ran what did not start with `awsp: `: Node's warning about a bad
// NODE_EXTRA_CA_CERTS (which quotes the path) was run as code, and a plain stale one broke every
// switch that went through Node. stderr goes to the user's stderr untouched, and still follows
// the redirections of the call (`awsp x 2>/dev/null`).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { dump, sandbox, type Sandbox, SHELLS } from '../helpers/sandbox.js';
import { runAsync } from '../helpers/spawn.js';

let sb: Sandbox;
before(() => {
  sb = sandbox();
  sb.writeConfig('[profile real]\n');
  sb.writeCredentials('');
});
after(() => sb.cleanup());

const HOSTILE_CA = '/x.pem; touch CANARY; echo PWNED';

describe('stderr is never evaluated', () => {
  for (const shell of SHELLS) {
    test(`${shell}: a switch through Node with Node warning on stderr`, async () => {
      const show = shell === 'fish' ? `builtin printf '<%s|%s|%s>\\n' $status "$AWS_PROFILE" "$AWS_REGION"` : `\\builtin printf '<%s|%s|%s>\\n' "$?" "\${AWS_PROFILE-}" "\${AWS_REGION-}"`;
      // Options always go through Node (awsp __switch).
      const r = await runAsync(shell, sb, `awsp use real --region eu-west-1\n${show}\nawsp nope --region x 2>/dev/null\n${shell === 'fish' ? "builtin printf '<%s>\\n' $status" : "\\builtin printf '<%s>\\n' \"$?\""}`, {
        env: { NODE_EXTRA_CA_CERTS: HOSTILE_CA },
      });
      assert.deepEqual(readdirSync(sb.dir).filter((f) => /CANARY/.test(f)), [], dump(r));
      assert.doesNotMatch(r.stdout + r.stderr, /^PWNED/m, dump(r));
      assert.match(r.stdout, /^<0\|real\|eu-west-1>$/m, dump(r));
      // Node's own warning reached the user's stderr as Node wrote it; the failed switch was silenced.
      assert.ok(r.stderr.includes('Warning: Ignoring extra certs from `/x.pem; touch CANARY; echo PWNED`'), dump(r));
      assert.doesNotMatch(r.stderr, /Unknown command|no profile 'nope'/, dump(r));
      assert.match(r.stdout, /^<[1-9]>$/m, dump(r));
    });
  }
});
