#!/bin/sh
# The tools the test suite drives for real: bash, zsh and fish, shellcheck, tmux and expect
# (terminals), fzf (AWSP_PICKER=fzf), setpriv (an unprivileged user), curl (the stand-in browser of
# the SSO tests), strace (no Node at shell start-up, no fork in the prompt), and the AWS CLI v2
# (parity of list-profiles, export-credentials). Run before `npm test`: installs what is missing
# through apt-get when
# it can (root, non-interactive), otherwise names the command to run and fails: a missing
# shell must fail the suite, never skip it.
set -u

missing=''
for pair in bash:bash zsh:zsh fish:fish shellcheck:shellcheck tmux:tmux expect:expect setpriv:util-linux strace:strace awk:mawk curl:curl fzf:fzf; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
# The AWS CLI must be the real v2 at /usr/bin/aws (a pyenv shim named aws is not it).
[ -x /usr/bin/aws ] || missing="$missing awscli"
# The dotenv round-trip test reads with python-dotenv, as most tools do (pip; the image has it).
if ! python3 -c 'import dotenv' 2>/dev/null; then
    echo "test-deps: python3 cannot import dotenv; install it with: pip install python-dotenv" >&2
    exit 1
fi
# The SSO tests prove the token cache is the CLI's with botocore itself; it must honour
# AWS_ENDPOINT_URL_SSO and _SSO_OIDC (botocore 1.31 and later). The credentials endpoint is
# checked with boto3 as a real client.
if ! python3 -c 'import sys, boto3, botocore; sys.exit(tuple(map(int, botocore.__version__.split(".")[:2])) < (1, 31))' 2>/dev/null; then
    echo "test-deps: python3 needs boto3 with botocore 1.31 or later; install it with: pip install boto3" >&2
    exit 1
fi
[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: installing$missing" >&2
    apt-get update -qq </dev/null >/dev/null || exit 1
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null || exit 1
    exit 0
fi
echo "test-deps: missing$missing; install them with: sudo apt-get install -y$missing" >&2
exit 1
