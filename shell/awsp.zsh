# shellcheck shell=bash disable=SC2296,SC2298,SC2299,SC2034,SC2154,SC2016,SC2088
# (shellcheck reads zsh as bash: SC2296/8/9 are zsh's own parameter flags, as in ${(f)x};
# SC2034/SC2154: exported variables and compsys's CURRENT, PREFIX and words, which it cannot see;
# SC2016: awk programs and descriptions are single-quoted on purpose;
# SC2088: a quoted `~` is the literal tilde of an AWS path, which awsp expands as botocore does.)
#
# awsp shell integration for zsh. Load it from ~/.zshrc, after compinit, with:
#   eval "$(awsp init zsh)"
#
# The function `awsp` only routes: switching and unsetting change this shell, so they happen
# here; everything else runs the awsp program. Switching and TAB completion read a cache of
# profile names and start Node only when an AWS file has changed since the cache was built.
# Each function starts with `emulate -L zsh`, so the user's options (ksh_arrays, nounset,
# no_clobber, sh_word_split...) do not apply inside it; helpers are named __awsp_*.

\builtin unfunction awsp awsp_prompt __awsp_safe __awsp_load __awsp_path __awsp_where __awsp_fresh __awsp_known __awsp_sso __awsp_sso_get __awsp_sso_time __awsp_use __awsp_clear __awsp_switch __awsp_eval __awsp_unset __awsp_help __awsp_complete \
    __awsp_complete_kind __awsp_route __awsp_arg __awsp_option __awsp_options __awsp_rest __awsp_values \
    __awsp_folder_hook __awsp_folder_check __awsp_folder_leave __awsp_folder_say 2>/dev/null || \builtin true
# zsh parses all of `eval "$(awsp init zsh)"` before running it, so an alias named awsp would
# be expanded in `awsp() {`: the `function` keyword avoids that, and unalias lets it be called.
\builtin unalias awsp 2>/dev/null || \builtin true

# Sets __awsp_p to the key of an AWS file: the absolute path the AWS CLI opens for the raw path
# $1 (botocore expands a leading ~ with $HOME; a relative path is relative to $PWD). Fails for a
# path the cache cannot stand for: an empty one, one holding `$` (botocore expands variables),
# ~user, ~ without HOME, or a control character (a newline would shift the cache's header).
# src/cache.ts has the same rule; the tests check that they agree.
__awsp_path() {
    \builtin emulate -L zsh
    __awsp_p=$1
    case $__awsp_p in
        (''|*'$'*) \builtin return 1 ;;
        ('~'|'~/'*)
            (( ${+HOME} )) || \builtin return 1
            __awsp_p=${HOME%"${HOME##*[^/]}"}${__awsp_p:1}
            __awsp_p=${__awsp_p:-/}
            ;;
        ('~'*) \builtin return 1 ;;
        (*) ;;
    esac
    if [[ $__awsp_p != /* ]]; then
        __awsp_p=${PWD%/}/$__awsp_p
    fi
    [[ $__awsp_p != *[$'\x01'-$'\x1f'$'\x7f']* ]]
}

# Sets the caller's c and k (the keys of the config and credentials files) and cache (the names
# cache file), or fails when the cache may not be used: its folder ($XDG_CACHE_HOME/awsp, or
# ~/.cache/awsp) must be the user's own and not a shared one with the sticky bit (like /tmp),
# and the file the user's own: another user must not be able to plant names.
__awsp_where() {
    \builtin emulate -L zsh
    \builtin local __awsp_p d
    if (( ${+AWS_CONFIG_FILE} )); then __awsp_path "$AWS_CONFIG_FILE"; else __awsp_path '~/.aws/config'; fi || \builtin return 1
    c=$__awsp_p
    if (( ${+AWS_SHARED_CREDENTIALS_FILE} )); then __awsp_path "$AWS_SHARED_CREDENTIALS_FILE"; else __awsp_path '~/.aws/credentials'; fi || \builtin return 1
    k=$__awsp_p
    if [[ ${XDG_CACHE_HOME-} == /* ]]; then
        d=$XDG_CACHE_HOME/awsp
    elif [[ ${HOME-} == /* ]]; then
        d=$HOME/.cache/awsp
    else
        \builtin return 1
    fi
    [[ -d $d && -O $d && ! -k $d ]] || \builtin return 1
    __awsp_p=${c//\%/%25}
    cache=$d/names-${__awsp_p//\//%2F}
    __awsp_p=${k//\%/%25}
    cache+=%%${__awsp_p//\//%2F}
    [[ -f $cache && -O $cache ]]
}

# Fills the caller's array __awsp_lines with the names cache: a version line, `+KEY`/`-KEY`
# for the config and credentials files, then one profile name per line (for an SSO profile: a
# tab and the line of its session's record; the records follow the names, each a tab, the
# token file, a tab, the warning to print; see src/cache.ts). The cache is used only
# when __awsp_where trusts it, its header names exactly the files computed here, and it is
# fresh; otherwise awsp rebuilds it and prints it.
__awsp_load() {
    \builtin emulate -L zsh
    \builtin local c='' k='' cache=''
    __awsp_lines=()
    if __awsp_where; then
        __awsp_lines=("${(@f)"$(<"$cache")"}")
    fi
    if [[ ${__awsp_lines[1]-} == awsp-names-v3 && ${__awsp_lines[2]:1} == "$c" && ${__awsp_lines[3]:1} == "$k" ]] &&
        __awsp_fresh "$cache" "${__awsp_lines[2]-}" &&
        __awsp_fresh "$cache" "${__awsp_lines[3]-}"; then
        \builtin return 0
    fi
    __awsp_lines=("${(@f)"$(AWSP_SHELL=zsh \command awsp __cache)"}")
}

# Is the cache ($1) still right about one file ($2: `+PATH` was there, `-PATH` was not)?
# The cache must be newer than the file and than its folder: a file replaced by an older one
# (mv of a backup, cp -p, tar) keeps its old mtime, but the rename changes the folder's.
__awsp_fresh() {
    \builtin emulate -L zsh
    \builtin local file="${2:1}"
    case $2 in
        (+*) [[ -e $file && $1 -nt $file && $1 -nt ${file%/*}/. ]] ;;
        (-*) [[ ! -e $file ]] ;;
        (*) \builtin return 1 ;;
    esac
}

# Prints the warning $2 (a line awsp built, escaped) when the SSO token file $1 holds no live
# session: missing, unreadable, or expired without the refresh token and live client
# registration the SDKs renew it with. The judgement of sessionState (src/sso/tokens.ts), with
# builtins only; the file is read only when it is a regular file (a FIFO would block).
__awsp_sso() {
    \builtin emulate -L zsh
    \builtin local t='' v='' now=0
    if [[ -f $1 && -r $1 ]]; then
        IFS= \builtin read -r -d '' t 2>/dev/null <"$1" || :
    fi
    # Without the clock (no zsh/datetime) a token counts as live: only a missing one warns.
    if \builtin zmodload -F zsh/datetime b:strftime 2>/dev/null; then
        TZ=UTC0 \builtin strftime -s now '%Y%m%d%H%M%S'
    fi
    if __awsp_sso_get accessToken && __awsp_sso_get expiresAt && __awsp_sso_time; then
        if (( 10#$now < 10#$v )); then
            \builtin return 0
        fi
        if __awsp_sso_get refreshToken && [[ -n $v ]] && __awsp_sso_get clientId && [[ -n $v ]] &&
            __awsp_sso_get clientSecret && [[ -n $v ]] && __awsp_sso_get registrationExpiresAt && __awsp_sso_time &&
            (( 10#$now < 10#$v )); then
            \builtin return 0
        fi
    fi
    \builtin printf '%s\n' "$2" >&2
}

# Sets the caller's v to the string value of the key $1 in the caller's t (the token's JSON, its
# first `"KEY": "..."`), or fails when there is none.
__awsp_sso_get() {
    \builtin emulate -L zsh
    v=${t#*\""$1"\"}
    [[ $v != "$t" ]] || \builtin return 1
    v=${v#"${v%%[^[:space:]]*}"}
    [[ $v == :* ]] || \builtin return 1
    v=${v:1}
    v=${v#"${v%%[^[:space:]]*}"}
    [[ $v == \"* ]] || \builtin return 1
    v=${v:1}
    v=${v%%\"*}
}

# Turns the caller's v, a time from a token file, into its digits YYYYMMDDHHMMSS, which compare
# as numbers; fails for a form tokenTime (src/sso/tokens.ts) does not read: UTC only, written
# `YYYY-MM-DDTHH:MM:SS`, optional fractions, then `Z`, `UTC` or `+00:00`.
__awsp_sso_time() {
    \builtin emulate -L zsh
    \builtin local r="${v:19}" f
    [[ ${v:0:19} == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9] ]] || \builtin return 1
    if [[ $r == .* ]]; then
        r=${r:1}
        f=${r%%[^0-9]*}
        [[ -n $f ]] || \builtin return 1
        r=${r:${#f}}
    fi
    [[ $r == Z || $r == UTC || $r == +00:00 ]] || \builtin return 1
    v=${v:0:19}
    v=${v//[^0-9]/}
}

# Removes what awsp set before: its region, its exported keys, and AWS_DEFAULT_PROFILE.
# With $1 = switch, keys the user set by hand go too (they would override AWS_PROFILE),
# and stderr says which.
__awsp_clear() {
    \builtin emulate -L zsh
    \builtin local v cleared='' ours=0
    if (( ${+AWSP_KEYS} && ${+AWS_ACCESS_KEY_ID} )) && [[ $AWSP_KEYS == "$AWS_ACCESS_KEY_ID" ]]; then
        ours=1
    fi
    for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION; do
        if (( ${(P)+v} && ours )); then
            \builtin unset "$v"
        elif (( ${(P)+v} )) && [[ $1 == switch ]]; then
            \builtin unset "$v"
            cleared+=" $v"
        fi
    done
    \builtin unset AWSP_KEYS AWSP_KEYS_PROFILE
    if (( ${+AWS_DEFAULT_PROFILE} )); then
        [[ $1 != switch ]] || cleared+=" AWS_DEFAULT_PROFILE"
        \builtin unset AWS_DEFAULT_PROFILE
    fi
    if (( ${+AWSP_REGION} )); then
        for v in AWS_REGION AWS_DEFAULT_REGION; do
            if (( ${(P)+v} )) && [[ ${(P)v} == "$AWSP_REGION" ]]; then
                \builtin unset "$v"
            fi
        done
        \builtin unset AWSP_REGION
    fi
    if [[ -n $cleared ]]; then
        \builtin printf 'awsp: cleared%s from the environment (it would override AWS_PROFILE)\n' "$cleared" >&2
    fi
}

# Switches to profile $1, already validated; $2 is a region or empty.
__awsp_use() {
    \builtin emulate -L zsh
    __awsp_clear switch
    \builtin export AWS_PROFILE="$1"
    if [[ -n ${2-} ]]; then
        \builtin export AWS_REGION="$2" AWS_DEFAULT_REGION="$2" AWSP_REGION="$2"
    fi
}

# Is $1 a profile name of the names cache? For an SSO profile, also prints the warning when its
# session needs a login (__awsp_sso). When awsp has to read the files, AWSP_NAME tells it that
# a switch asks, and it says what is wrong with them.
__awsp_known() {
    \builtin emulate -L zsh
    \builtin local -a __awsp_lines
    \builtin local sso tab=$'\t'
    \builtin integer i
    AWSP_NAME=$1 __awsp_load
    # (Ie): the last exact match; past the three header lines, it is a profile name. Else (I)
    # and the name, quoted (b), then a tab: an SSO profile's line. ($'\t' is not expanded in a
    # subscript, a variable is.)
    i=${__awsp_lines[(Ie)$1]}
    (( i > 3 )) || i=${__awsp_lines[(I)${(b)1}${tab}*]}
    (( i > 3 )) || \builtin return 1
    sso=${__awsp_lines[i]#"$1"}
    sso=${sso#$'\t'}
    # Its session's record, at the line number after the tab: a tab, the token file, a tab, the warning.
    if [[ -n $sso && -z ${sso//[0-9]/} ]] && (( sso > i )); then
        sso=${__awsp_lines[sso]#$'\t'}
        __awsp_sso "${sso%%$'\t'*}" "${sso#*$'\t'}"
    fi
    \builtin return 0
}

__awsp_switch() {
    \builtin emulate -L zsh
    \builtin local name='' code
    if (( $# == 1 )) && [[ $1 != -* && $1 != use ]]; then
        name="$1"
    elif (( $# == 2 )) && [[ $1 == use && $2 != -* ]]; then
        name="$2"
    fi
    # (A tab is in no name of the cache, but in its SSO records: such a word goes to awsp.)
    # An SSO profile: the switch happens all the same, after a warning if it needs a login.
    if [[ -n $name && $name != *$'\t'* ]] && __awsp_known "$name"; then
        __awsp_use "$name" ''
        \builtin return 0
    fi
    # Not a name the cache knows, or options: awsp validates, explains, or says what to run.
    code="$(AWSP_SHELL=zsh \command awsp __switch "$@")" || \builtin return
    \builtin eval "$code"
}

function awsp {
    \builtin emulate -L zsh
    if (( $# == 0 )); then
        AWSP_SHELL=zsh \command awsp status
        \builtin return
    fi
    # Help is only ever printed, never evaluated, whatever the command. (A first word that
    # asks for it routes to the program anyway.)
    if (( $# > 1 )) && __awsp_help "$@"; then
        AWSP_SHELL=zsh \command awsp "$@"
        \builtin return
    fi
    # The first word as the command table routes it (rendered by the build): commands run the
    # program, or have what it prints evaluated (__awsp_eval); -u and the switch change this
    # shell here.
    case $1 in
        # @AWSP_ROUTES@
        (*) __awsp_switch "$@" ;;
    esac
}

# Whether the arguments ask for help (-h or --help before any --).
__awsp_help() {
    \builtin emulate -L zsh
    \builtin local a
    for a in "$@"; do
        [[ $a != -- ]] || \builtin return 1
        [[ $a != -h && $a != --help ]] || \builtin return 0
    done
    \builtin return 1
}

# awsp --unset: AWS_PROFILE gone entirely, with what awsp set (keys and a region you set stay).
__awsp_unset() {
    \builtin emulate -L zsh
    if (( $# > 1 )); then
        \builtin printf 'awsp: %s takes no arguments\n' "$1" >&2
        \builtin return 2
    fi
    __awsp_clear unset
    \builtin unset AWS_PROFILE
}

# Commands that change this shell: what awsp prints on stdout is evaluated, and only when it
# succeeds (its messages go to stderr, straight to the terminal).
__awsp_eval() {
    \builtin emulate -L zsh
    \builtin local code
    code="$(AWSP_SHELL=zsh \command awsp "$@")" || \builtin return
    \builtin eval "$code"
}

# Sets the variable named $1 to $2 with what a terminal would act on shown as `?`, as src/text.ts
# escapes it: C0, DEL and C1 controls, and the bidi and line-separator marks (U+061C,
# U+200E-U+200F, U+2028-U+202E, U+2066-U+2069, which would reorder the line). As bytes, so the
# same in any locale (C1 in UTF-8 is \xc2 then \x80-\x9f).
__awsp_safe() {
    \builtin emulate -L zsh
    \builtin setopt no_multibyte
    \builtin local t="${2//[[:cntrl:]]/?}" c
    t=${t//$'\xc2'[$'\x80'-$'\x9f']/?}
    for c in $'\xd8\x9c' $'\xe2\x80\x8e' $'\xe2\x80\x8f' $'\xe2\x80\xa8' $'\xe2\x80\xa9' $'\xe2\x80\xaa' \
        $'\xe2\x80\xab' $'\xe2\x80\xac' $'\xe2\x80\xad' $'\xe2\x80\xae' $'\xe2\x81\xa6' $'\xe2\x81\xa7' $'\xe2\x81\xa8' $'\xe2\x81\xa9'; do
        t=${t//$c/?}
    done
    \builtin printf -v "$1" '%s' "$t"
}

# For a prompt: the profile in use and its region, `profile[@region]`, without a fork. Keys in
# the environment win over AWS_PROFILE, so then it names whose keys they are: `prod (keys)`
# for keys from `awsp exports prod`, with `, not dev` when AWS_PROFILE says otherwise and
# `expired` once AWS_CREDENTIAL_EXPIRATION has passed; `keys` for keys from elsewhere.
# Prints nothing when neither is set. `%` is doubled, control characters shown as `?`: the
# text is ready for PROMPT/RPROMPT.
#   awsp_prompt [-v VAR] [FORMAT]   FORMAT: a printf format with one %s (default %s);
#                                   -v VAR: into VAR instead (precmd, no subshell)
awsp_prompt() {
    \builtin emulate -L zsh
    \builtin local __awsp_v='' __awsp_p='' __awsp_n='' __awsp_t=''
    \builtin local __awsp_r="${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
    if [[ ${1-} == -v ]]; then
        __awsp_v=${2-}
        \builtin shift 2 || \builtin return 2
    fi
    if [[ -n ${AWS_ACCESS_KEY_ID-} ]]; then
        if [[ ${AWSP_KEYS-} == "$AWS_ACCESS_KEY_ID" && -n ${AWSP_KEYS_PROFILE-} ]]; then
            __awsp_p=$AWSP_KEYS_PROFILE __awsp_n=keys
            if [[ -n ${AWS_CREDENTIAL_EXPIRATION-} ]] && \builtin zmodload -F zsh/datetime b:strftime 2>/dev/null; then
                # Both UTC in the same form (awsp writes it), so they compare as strings.
                TZ=UTC0 \builtin strftime -s __awsp_t '%Y-%m-%dT%H:%M:%SZ'
                [[ $__awsp_t < "$AWS_CREDENTIAL_EXPIRATION" ]] || __awsp_n+=' expired'
            fi
        else
            __awsp_p=keys
        fi
        if [[ -n ${AWS_PROFILE-} && $AWS_PROFILE != "$__awsp_p" ]]; then
            __awsp_n+="${__awsp_n:+, }not $AWS_PROFILE"
        fi
    else
        __awsp_p=${AWS_PROFILE-}
    fi
    if [[ -n $__awsp_p ]]; then
        __awsp_p+="${__awsp_r:+@$__awsp_r}${__awsp_n:+ ($__awsp_n)}"
        __awsp_safe __awsp_p "$__awsp_p"
        __awsp_p=${__awsp_p//\%/%%}
        # shellcheck disable=SC2059 # the format is the caller's
        if [[ -n $__awsp_v ]]; then
            \builtin printf -v "$__awsp_v" "${1:-%s}" "$__awsp_p"
        else
            \builtin printf "${1:-%s}" "$__awsp_p"
        fi
    elif [[ -n $__awsp_v ]]; then
        \builtin printf -v "$__awsp_v" ''
    fi
}

# Per-folder profiles, when AWSP_FOLDERS=1: a file `.awsprofile` (NAME or NAME@REGION) in the
# current folder or one above it switches this shell to NAME, once the user has allowed the
# file (`awsp allow` records its exact content; src/folders.ts), and leaving every such folder
# gives back what was active before. The hook runs when the folder changes (chpwd) and once at
# load; it returns at once unless AWSP_FOLDERS=1, and looks for the file with builtins only.
# The profile of a file it is about to obey is checked in the names cache as `awsp NAME` does
# (Node starts only when the cache is stale). Its state, global, set once AWSP_FOLDERS=1 was used:
#   __awsp_folder_file    the file obeyed now ('' for none), __awsp_folder_name its profile
#   __awsp_folder_before  AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWSP_REGION before the
#                         first file was obeyed: `+VALUE`, or `-` for unset
#   __awsp_folder_said    what it has said already (each warning once a shell)
__awsp_folder_hook() {
    \builtin emulate -L zsh
    [[ ${AWSP_FOLDERS-} != 1 ]] || __awsp_folder_check moved
    \builtin return 0
}

# Looks for the nearest .awsprofile and obeys it if it may; with none, gives back what was
# before. $1: moved (the folder changed), or again (after awsp allow) or denied (after awsp
# deny) with $2 the file named: then it looks again at the file obeyed already when it is that
# one (allowing or denying another file leaves a hand switch alone).
__awsp_folder_check() {
    \builtin emulate -L zsh
    \builtin local d f='' c='' r='' rec name region='' re='^(.+)@([a-z]+(-[a-z]+)+-[0-9]+)$'
    # What =~ sets, kept in here.
    \builtin local MATCH MBEGIN MEND
    \builtin local -a match mbegin mend
    # Off means off, also right after awsp allow.
    [[ ${AWSP_FOLDERS-} == 1 ]] || \builtin return 0
    [[ ${PWD-} == /* ]] || \builtin return 0
    d=${PWD%/}
    while :; do
        if [[ -f $d/.awsprofile ]]; then
            f=$d/.awsprofile
            \builtin break
        fi
        [[ -n $d ]] || \builtin break
        d=${d%/*}
    done
    if [[ -z $f ]]; then
        [[ -z ${__awsp_folder_file-} ]] || __awsp_folder_leave
        \builtin return 0
    fi
    [[ $f != "${__awsp_folder_file-}" || ( ${1-} != moved && ${2-} == "$f" ) ]] || \builtin return 0
    # The record, where awsp allow keeps it, trusted as the names cache is (__awsp_where).
    if [[ ${XDG_DATA_HOME-} == /* ]]; then
        d=$XDG_DATA_HOME/awsp/allow
    elif [[ ${HOME-} == /* ]]; then
        d=$HOME/.local/share/awsp/allow
    else
        d=''
    fi
    rec=${f//\%/%25}
    rec=$d/${rec//\//%2F}
    if [[ -n $d && -d $d && -O $d && ! -k $d && -f $rec && -O $rec && -r $rec && -r $f ]]; then
        # The whole file (up to a NUL, which no allowed file holds), without a fork.
        IFS= \builtin read -r -d '' r <"$rec" || :
        IFS= \builtin read -r -d '' c <"$f" || :
    fi
    if [[ -z $r || $r != "$c" ]]; then
        if [[ -z $r ]]; then
            # (Not right after awsp deny, which has said so.)
            [[ ${1-} == denied ]] || __awsp_folder_say n "$f" 'is not allowed; run: awsp allow'
        else
            __awsp_folder_say c "$f" 'has changed since it was allowed; run: awsp allow'
        fi
        # The file obeyed until now no longer is: what it switched to goes too.
        [[ $f != "${__awsp_folder_file-}" ]] || __awsp_folder_leave
        \builtin return 0
    fi
    c=${c%$'\n'}
    if [[ -z $c || $c == *[[:cntrl:]]* ]]; then
        __awsp_folder_say i "$f" 'does not hold one line NAME or NAME@REGION'
        \builtin return 0
    fi
    name=$c
    # Only a region code after the last @ is a region (`me@corp` is a name), as in src/folders.ts.
    if [[ $c =~ $re ]]; then
        name=${match[1]} region=${match[2]}
    fi
    # An SSO profile: as with awsp NAME, a warning when its session needs a login.
    if ! __awsp_known "$name"; then
        __awsp_folder_say u "$f" "names no profile '$name'"
        \builtin return 0
    fi
    if [[ -z ${__awsp_folder_file-} ]]; then
        __awsp_folder_before=()
        for d in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_REGION; do
            if (( ${(P)+d} )); then __awsp_folder_before+=("+${(P)d}"); else __awsp_folder_before+=(-); fi
        done
    fi
    __awsp_use "$name" "$region"
    __awsp_folder_file=$f __awsp_folder_name=$name
}

# Gives back what was active before the first file was obeyed, unless the user has switched
# to another profile since: their choice stands.
__awsp_folder_leave() {
    \builtin emulate -L zsh
    \builtin local v b i=0
    if (( ${+AWS_PROFILE} )) && [[ $AWS_PROFILE == "${__awsp_folder_name-}" ]]; then
        __awsp_clear unset
        for v in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_REGION; do
            i=$((i + 1))
            b=${__awsp_folder_before[i]--}
            if [[ $b == +* ]]; then \builtin export "$v=${b:1}"; else \builtin unset "$v"; fi
        done
    fi
    __awsp_folder_file='' __awsp_folder_name=''
    __awsp_folder_before=()
}

# Says $3 about the file $2 on stderr, once a shell for each kind $1 of message and file.
__awsp_folder_say() {
    \builtin emulate -L zsh
    [[ ${__awsp_folder_said[(Ie)$1$2]:-0} == 0 ]] || \builtin return 0
    __awsp_folder_said+=("$1$2")
    \builtin local p
    __awsp_safe p "$2"
    \builtin printf 'awsp: %s %s\n' "$p" "$3" >&2
}

# TAB completion is in awsp-lazy.zsh beside this file, read at the first TAB: a new shell
# parses only what it runs. (`awsp init zsh` prints both in one, without this stub.)
# @AWSP_LAZY_BEGIN@
__awsp_lazy() {
    \builtin emulate -L zsh
    \builtin local f="${1:A:h}/awsp-lazy.zsh"
    \builtin eval "__awsp_complete() { [[ -r ${(q)f} ]] && \\builtin source ${(q)f} && __awsp_complete \"\$@\"; }"
}
__awsp_lazy "${(%):-%x}"
\builtin unfunction __awsp_lazy
# @AWSP_LAZY_END@


if (( ${+functions[compdef]} )); then
    compdef __awsp_complete awsp
fi

# The folder hook runs when the folder changes (added once however often this file is
# loaded), and now, for the folder the shell starts in.
__awsp_folder_register() {
    \builtin emulate -L zsh
    \builtin typeset -ga chpwd_functions
    [[ ${chpwd_functions[(Ie)__awsp_folder_hook]} != 0 ]] || chpwd_functions+=(__awsp_folder_hook)
}
__awsp_folder_register
\builtin unfunction __awsp_folder_register
__awsp_folder_hook
