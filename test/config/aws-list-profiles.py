# Runs `aws configure list-profiles` many times in one Python process, so a parity test need
# not start the CLI once per case. Input: JSON lines {"config": PATH, "credentials": PATH}.
# Output: one JSON line per case, {"rc": N, "stdout": TEXT, "stderr": TEXT}.
#
#   --cli      through the CLI's own entry point (what /usr/bin/aws runs): exact, ~20 ms a case
#   --session  what that command prints, from botocore's Session.available_profiles (the
#              list it walks): ~1 ms a case; the parity test checks that both modes agree
import io
import json
import os
import sys

import awscli.clidriver

# The botocore the CLI itself imports (Debian's awscli vendors one under another name).
botocore = awscli.clidriver.botocore

mode = sys.argv[1] if len(sys.argv) > 1 else '--cli'
out = sys.stdout
for line in sys.stdin:
    case = json.loads(line)
    os.environ['AWS_CONFIG_FILE'] = case['config']
    os.environ['AWS_SHARED_CREDENTIALS_FILE'] = case['credentials']
    stdout, stderr = io.StringIO(), io.StringIO()
    if mode == '--cli':
        sys.stdout, sys.stderr = stdout, stderr
        try:
            rc = awscli.clidriver.AWSCLIEntryPoint().main(['configure', 'list-profiles'])
        finally:
            sys.stdout, sys.stderr = out, sys.__stderr__
    else:
        try:
            stdout.write(''.join('%s\n' % p for p in botocore.session.Session().available_profiles))
            rc = 0
        except botocore.exceptions.ConfigParseError as e:
            stderr.write('\n%s\n' % e)
            rc = 255
    out.write(json.dumps({'rc': rc, 'stdout': stdout.getvalue(), 'stderr': stderr.getvalue()}) + '\n')
    out.flush()
