# shellcheck shell=bash disable=SC2016,SC2034,SC1001,SC2088
# (SC2016: awk programs are single-quoted on purpose; SC2034: shellcheck does not see
# that `\builtin export` exports; SC1001: `VAR=x \command awk` is meant, to skip aliases;
# SC2088: a quoted `~` is the literal tilde of an AWS path, which awsp expands as botocore does.)
# The part of awsp's bash integration that a new shell does not parse: read by awsp.bash at
# the first `awsp`, TAB or folder check (`awsp init bash` prints both in one).

# Sets __awsp_p to the key of an AWS file: the absolute path the AWS CLI opens for the raw path
# $1 (botocore expands a leading ~ with $HOME; a relative path is relative to $PWD). Fails for a
# path the cache cannot stand for: an empty one, one holding `$` (botocore expands variables),
# ~user, ~ without HOME, or a control character (a newline would shift the cache's header).
# src/cache.ts has the same rule; the tests check that they agree.
__awsp_path() {
    __awsp_p=$1
    case $__awsp_p in
        '' | *'$'*) \builtin return 1 ;;
        '~' | '~/'*)
            [[ -n ${HOME+set} ]] || \builtin return 1
            __awsp_p=${HOME%"${HOME##*[!/]}"}${__awsp_p:1}
            __awsp_p=${__awsp_p:-/}
            ;;
        '~'*) \builtin return 1 ;;
        *) ;;
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
    \builtin local __awsp_p d
    if [[ -n ${AWS_CONFIG_FILE+set} ]]; then __awsp_path "$AWS_CONFIG_FILE"; else __awsp_path '~/.aws/config'; fi || \builtin return 1
    c=$__awsp_p
    if [[ -n ${AWS_SHARED_CREDENTIALS_FILE+set} ]]; then __awsp_path "$AWS_SHARED_CREDENTIALS_FILE"; else __awsp_path '~/.aws/credentials'; fi || \builtin return 1
    k=$__awsp_p
    if [[ ${XDG_CACHE_HOME-} == /* ]]; then
        d=$XDG_CACHE_HOME/awsp
    elif [[ ${HOME-} == /* ]]; then
        d=$HOME/.cache/awsp
    else
        \builtin return 1
    fi
    [[ -d $d && -O $d && ! -k $d ]] || \builtin return 1
    __awsp_p=${c//"%"/%25}
    cache=$d/names-${__awsp_p//\//%2F}
    __awsp_p=${k//"%"/%25}
    cache+=%%${__awsp_p//\//%2F}
    [[ -f $cache && -O $cache ]]
}

# Runs the awk program $1 over the names cache: a version line, `+KEY`/`-KEY` for the config
# and credentials files (there or not when it was built), then one profile name per line (for
# an SSO profile: a tab and the line of its session's record; the records follow the names,
# each a tab, the token file, a tab, the warning to print; see src/cache.ts). The
# cache is used only when __awsp_where trusts it, its header names exactly the files computed
# here, and it is fresh; only those three lines are read in the shell (no fork), and awk filters
# thousands of names far faster than a shell loop. Otherwise awsp rebuilds it and awk reads what
# awsp prints. Variables assigned before the call reach awk through the environment.
# The final awk is the function's last plain command: in $(...) bash then execs it in the
# subshell instead of forking once more.
__awsp_awk() {
    \builtin local c='' k='' cache='' v='' cf='' kf=''
    if __awsp_where; then
        { IFS= \builtin read -r v && IFS= \builtin read -r cf && IFS= \builtin read -r kf; } <"$cache" || :
    fi
    if ! { [[ $v == awsp-names-v3 && ${cf:1} == "$c" && ${kf:1} == "$k" ]] && __awsp_fresh "$cache" "$cf" && __awsp_fresh "$cache" "$kf"; }; then
        # shellcheck disable=SC2312 # awsp's own message explains a failure; no names is right then.
        AWSP_SHELL=bash \command awsp __cache | LC_ALL=C \command awk "$1"
        \builtin return
    fi
    LC_ALL=C \command awk "$1" "$cache"
}

# Is the cache ($1) still right about one file ($2: `+PATH` was there, `-PATH` was not)?
# The cache must be newer than the file and than its folder: a file replaced by an older one
# (mv of a backup, cp -p, tar) keeps its old mtime, but the rename changes the folder's.
__awsp_fresh() {
    \builtin local file="${2:1}"
    case $2 in
        +*) [[ -e $file && $1 -nt $file && $1 -nt ${file%/*}/. ]] ;;
        -*) [[ ! -e $file ]] ;;
        *) \builtin return 1 ;;
    esac
}

# Is $1 a profile name? (Past the header; compared as bytes.) For an SSO profile, prints its
# session's record: the token file and the warning, tab-separated. When awsp has to read the
# files, AWSP_NAME tells it that a switch asks, and it says what is wrong with them.
__awsp_known() {
    AWSP_NAME="$1" __awsp_awk 'BEGIN { w = ENVIRON["AWSP_NAME"] "" }
        want && NR == want { print substr($0, 2); exit }
        !want && NR > 3 && index($0, w) == 1 {
            r = substr($0, length(w) + 1)
            if (r == "") { found = 1; exit }
            # An SSO profile: its record, at the line number after the tab, is printed.
            if (substr(r, 1, 1) == "\t") { found = 1; want = substr(r, 2) + 0; if (want <= NR) exit }
        }
        END { exit !found }'
}

# Prints the warning $2 (a line awsp built, escaped) when the SSO token file $1 holds no live
# session: missing, unreadable, or expired without the refresh token and live client
# registration the SDKs renew it with. The judgement of sessionState (src/sso/tokens.ts), with
# builtins only; the file is read only when it is a regular file (a FIFO would block).
__awsp_sso() {
    \builtin local t='' v='' now
    if [[ -f $1 && -r $1 ]]; then
        IFS= \builtin read -r -d '' t 2>/dev/null <"$1" || :
    fi
    TZ=UTC0 \builtin printf -v now '%(%Y%m%d%H%M%S)T' -1
    if __awsp_sso_get accessToken && __awsp_sso_get expiresAt && __awsp_sso_time; then
        if ((10#$now < 10#$v)); then
            \builtin return 0
        fi
        if __awsp_sso_get refreshToken && [[ -n $v ]] && __awsp_sso_get clientId && [[ -n $v ]] &&
            __awsp_sso_get clientSecret && [[ -n $v ]] && __awsp_sso_get registrationExpiresAt && __awsp_sso_time &&
            ((10#$now < 10#$v)); then
            \builtin return 0
        fi
    fi
    \builtin printf '%s\n' "$2" >&2
}

# Sets the caller's v to the string value of the key $1 in the caller's t (the token's JSON, its
# first `"KEY": "..."`), or fails when there is none.
__awsp_sso_get() {
    v=${t#*\""$1"\"}
    [[ $v != "$t" ]] || \builtin return 1
    v=${v#"${v%%[![:space:]]*}"}
    [[ $v == :* ]] || \builtin return 1
    v=${v:1}
    v=${v#"${v%%[![:space:]]*}"}
    [[ $v == \"* ]] || \builtin return 1
    v=${v:1}
    v=${v%%\"*}
}

# Turns the caller's v, a time from a token file, into its digits YYYYMMDDHHMMSS, which compare
# as numbers; fails for a form tokenTime (src/sso/tokens.ts) does not read: UTC only, written
# `YYYY-MM-DDTHH:MM:SS`, optional fractions, then `Z`, `UTC` or `+00:00`.
__awsp_sso_time() {
    \builtin local r="${v:19}" f
    [[ ${v:0:19} == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9] ]] || \builtin return 1
    if [[ $r == .* ]]; then
        r=${r:1}
        f=${r%%[!0-9]*}
        [[ -n $f ]] || \builtin return 1
        r=${r:${#f}}
    fi
    [[ $r == Z || $r == UTC || $r == +00:00 ]] || \builtin return 1
    v=${v:0:19}
    v=${v//[!0-9]/}
}

# Removes what awsp set before: its region, its exported keys, and AWS_DEFAULT_PROFILE.
# With $1 = switch, keys the user set by hand go too (they would override AWS_PROFILE),
# and stderr says which.
__awsp_clear() {
    \builtin local v cleared='' ours=0
    if [[ -n ${AWSP_KEYS+set} && -n ${AWS_ACCESS_KEY_ID+set} && ${AWSP_KEYS} == "${AWS_ACCESS_KEY_ID}" ]]; then
        ours=1
    fi
    for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION; do
        if [[ -n ${!v+set} ]] && ((ours)); then
            \builtin unset -v "$v"
        elif [[ -n ${!v+set} && $1 == switch ]]; then
            \builtin unset -v "$v"
            cleared+=" $v"
        fi
    done
    \builtin unset -v AWSP_KEYS AWSP_KEYS_PROFILE
    if [[ -n ${AWS_DEFAULT_PROFILE+set} ]]; then
        [[ $1 != switch ]] || cleared+=" AWS_DEFAULT_PROFILE"
        \builtin unset -v AWS_DEFAULT_PROFILE
    fi
    if [[ -n ${AWSP_REGION+set} ]]; then
        for v in AWS_REGION AWS_DEFAULT_REGION; do
            if [[ -n ${!v+set} && ${!v} == "$AWSP_REGION" ]]; then
                \builtin unset -v "$v"
            fi
        done
        \builtin unset -v AWSP_REGION
    fi
    if [[ -n $cleared ]]; then
        \builtin printf 'awsp: cleared%s from the environment (it would override AWS_PROFILE)\n' "$cleared" >&2
    fi
}

# Switches to profile $1, already validated; $2 is a region or empty.
__awsp_use() {
    __awsp_clear switch
    \builtin export AWS_PROFILE="$1"
    if [[ -n ${2-} ]]; then
        \builtin export AWS_REGION="$2" AWS_DEFAULT_REGION="$2" AWSP_REGION="$2"
    fi
}

__awsp_switch() {
    \builtin local name='' code sso
    if (($# == 1)) && [[ $1 != -* && $1 != use ]]; then
        name=$1
    elif (($# == 2)) && [[ $1 == use && $2 != -* ]]; then
        name=$2
    fi
    # (A tab is in no name of the cache, but in its SSO records: such a word goes to awsp.)
    if [[ -n $name && $name != *$'\t'* ]] && sso=$(__awsp_known "$name"); then
        # An SSO profile: the switch happens all the same, after a warning if it needs a login.
        if [[ -n $sso ]]; then
            __awsp_sso "${sso%%$'\t'*}" "${sso#*$'\t'}"
        fi
        __awsp_use "$name" ''
        \builtin return 0
    fi
    # Not a name the cache knows, or options: awsp validates, explains, or says what to run.
    code=$(AWSP_SHELL=bash \command awsp __switch "$@") || \builtin return
    \builtin eval "$code"
}

awsp() {
    if (($# == 0)); then
        AWSP_SHELL=bash \command awsp status
        \builtin return
    fi
    # Help is only ever printed, never evaluated, whatever the command. (A first word that
    # asks for it routes to the program anyway.)
    if (($# > 1)) && __awsp_help "$@"; then
        AWSP_SHELL=bash \command awsp "$@"
        \builtin return
    fi
    # The first word as the command table routes it (rendered by the build): commands run the
    # program, or have what it prints evaluated (__awsp_eval); -u and the switch change this
    # shell here.
    case $1 in
        # @AWSP_ROUTES@
        *) __awsp_switch "$@" ;;
    esac
}

# Whether the arguments ask for help (-h or --help before any --).
__awsp_help() {
    \builtin local a
    for a in "$@"; do
        [[ $a != -- ]] || \builtin return 1
        [[ $a != -h && $a != --help ]] || \builtin return 0
    done
    \builtin return 1
}

# awsp --unset: AWS_PROFILE gone entirely, with what awsp set (keys and a region you set stay).
__awsp_unset() {
    if (($# > 1)); then
        \builtin printf 'awsp: %s takes no arguments\n' "$1" >&2
        \builtin return 2
    fi
    __awsp_clear unset
    \builtin unset -v AWS_PROFILE
}

# Commands that change this shell: what awsp prints on stdout is evaluated, and only when it
# succeeds (its messages go to stderr, straight to the terminal).
__awsp_eval() {
    \builtin local code
    code=$(AWSP_SHELL=bash \command awsp "$@") || \builtin return
    \builtin eval "$code"
}

# Looks for the nearest .awsprofile and obeys it if it may; with none, gives back what was
# before. $1: moved (the folder changed), or again (after awsp allow) or denied (after awsp
# deny) with $2 the file named: then it looks again at the file obeyed already when it is that
# one (allowing or denying another file leaves a hand switch alone).
__awsp_folder_check() {
    \builtin local d f='' c='' r='' rec name region='' sso
    # Off means off, also right after awsp allow.
    [[ ${AWSP_FOLDERS-} == 1 ]] || \builtin return 0
    __awsp_folder_pwd=${PWD-}
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
    rec=${f//"%"/%25}
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
    if [[ $c == ?*@+([a-z])+(-+([a-z]))-+([0-9]) ]]; then
        name=${c%@*} region=${c##*@}
    fi
    if ! sso=$(__awsp_known "$name"); then
        __awsp_folder_say u "$f" "names no profile '$name'"
        \builtin return 0
    fi
    # An SSO profile: as with awsp NAME, a warning when its session needs a login.
    if [[ -n $sso ]]; then
        __awsp_sso "${sso%%$'\t'*}" "${sso#*$'\t'}"
    fi
    if [[ -z ${__awsp_folder_file-} ]]; then
        __awsp_folder_before=()
        for d in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_REGION; do
            if [[ -n ${!d+set} ]]; then __awsp_folder_before+=("+${!d}"); else __awsp_folder_before+=(-); fi
        done
    fi
    __awsp_use "$name" "$region"
    __awsp_folder_file=$f __awsp_folder_name=$name
}

# Gives back what was active before the first file was obeyed, unless the user has switched
# to another profile since: their choice stands.
__awsp_folder_leave() {
    \builtin local v b i=0
    if [[ -n ${AWS_PROFILE+set} && $AWS_PROFILE == "${__awsp_folder_name-}" ]]; then
        __awsp_clear unset
        for v in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_REGION; do
            b=${__awsp_folder_before[i]--}
            if [[ $b == +* ]]; then \builtin export "$v=${b:1}"; else \builtin unset -v "$v"; fi
            i=$((i + 1))
        done
    fi
    __awsp_folder_file='' __awsp_folder_name=''
    __awsp_folder_before=()
}

# Says $3 about the file $2 on stderr, once a shell for each kind $1 of message and file.
__awsp_folder_say() {
    [[ $'\n'${__awsp_folder_said-}$'\n' != *$'\n'"$1$2"$'\n'* ]] || \builtin return 0
    __awsp_folder_said+=$'\n'$1$2
    \builtin local p
    __awsp_safe p "$2"
    \builtin printf 'awsp: %s %s\n' "$p" "$3" >&2
}

# TAB completion. bash splits COMP_WORDS at COMP_WORDBREAKS (`:`, `=`, `@`...), which profile
# names hold, so COMP_CWORD does not count shell words; and readline replaces only the text
# after the last break ($2; inside an open quote, the text after the quote, which readline
# closes). So the shell words are read here from COMP_LINE: $word is the current one, unquoted,
# and each reply is the rest of a candidate after $keep, the part of $word that stays on the
# line, quoted for where it goes ($kq: the quote open there, if any). What each position takes
# comes from the command table (the functions at the end of this file).
__awsp_complete() {
    \builtin local line="${COMP_LINE:0:COMP_POINT}" text="${2-}"
    \builtin local -i i=0 len=${#line} cut nw=0 pos=0 dd=-1 plain=0
    \builtin local ch='' q='' word='' keep='' kq='' cmd=use kind='' pending='' route='' w
    \builtin local -a vals ws
    vals=() ws=()
    cut=$((len - ${#text}))
    [[ ${line:cut} == "${text}" ]] || cut=len
    while ((i <= len)); do
        if ((i == cut)); then
            keep=${word} kq=${q}
        fi
        ((i < len)) || break
        ch=${line:i:1}
        if [[ ${q} == "'" ]]; then
            if [[ ${ch} == "'" ]]; then q=''; else word+=${ch}; fi
        elif [[ ${ch} == "\\" ]] && [[ -z ${q} || ${line:i+1:1} == [\"\$\`\\] ]]; then
            i+=1
            word+=${line:i:1}
        elif [[ ${q} == '"' ]]; then
            if [[ ${ch} == '"' ]]; then q=''; else word+=${ch}; fi
        elif [[ ${ch} == [\"\'] ]]; then
            q=${ch}
        elif [[ ${ch} == [[:space:]\;\|\&\<\>\(\)] ]]; then
            if [[ -n ${word} || ${ch} != [[:space:]] ]]; then
                ((nw == 0)) || ws+=("${word}")
                word='' nw+=1
            fi
            # A command separator: what follows is a new command.
            if [[ ${ch} != [[:space:]] ]]; then
                nw=0 ws=()
            fi
        else
            word+=${ch}
        fi
        i+=1
    done
    COMPREPLY=()
    # ws: the words between `awsp` and the one being completed. The command is the first word
    # when it names one; otherwise the words are a switch (`awsp PROFILE --region R`).
    if ((${#ws[@]} == 0)); then
        if [[ $word == -* ]]; then
            __awsp_values options
            __awsp_offer '' "$word" "$keep"
        else
            __awsp_complete_profiles "$word" "$keep" "$kq"
            # Commands only when the word begins one: bash shows no descriptions, and a bare
            # list of commands among the profiles would read as profiles. (Command names are
            # lowercase words: anything else cannot begin one.)
            if [[ -n $word && $word != *[!a-z_]* ]]; then
                __awsp_values subcommand
                __awsp_offer '' "$word" "$keep"
            fi
        fi
        \builtin return 0
    fi
    i=0
    __awsp_route "${ws[0]}"
    if [[ $route == run || $route == eval ]]; then
        # A command, or a first option that takes nothing after it (--help, --version).
        cmd=${ws[0]} i=1
        __awsp_arg "$cmd" 0 || __awsp_options "$cmd" || \builtin return 0
    elif [[ $route == unset ]]; then
        \builtin return 0
    elif [[ ${ws[0]} == use ]]; then
        i=1
    fi
    for ((; i < ${#ws[@]}; i++)); do
        w=${ws[i]}
        if ((dd >= 0)); then
            dd+=1
        elif [[ -n $pending ]]; then
            pending=''
        elif ((!plain)) && [[ $w == -- ]]; then
            # After --: the command to run, or (for a command that runs none) arguments only.
            if __awsp_rest "$cmd"; then dd=0; else plain=1; fi
        elif ((!plain)) && [[ $w == -?* ]]; then
            # An option that takes a value takes the next word, unless given as --name=value.
            if [[ $w != *=* ]] && __awsp_option "$cmd" "$w" && [[ -n $kind ]]; then
                pending=$kind
            fi
        else
            pos+=1
        fi
    done
    if ((dd == 0)); then
        __awsp_complete_kind command "$word" "$keep" "$kq"
    elif ((dd > 0)); then
        __awsp_complete_after "$dd" "$word" "$keep"
    elif [[ -n $pending ]]; then
        __awsp_complete_kind "$pending" "$word" "$keep" "$kq"
    elif ((!plain)) && [[ $word == --*=* ]]; then
        kind=''
        if __awsp_option "$cmd" "${word%%=*}" && [[ -n $kind ]]; then
            __awsp_complete_kind "$kind" "$word" "$keep" "$kq" "${word%%=*}="
        fi
    elif ((!plain)) && [[ $word == -* ]]; then
        __awsp_options "$cmd" || :
        __awsp_offer '' "$word" "$keep"
        if __awsp_rest "$cmd" && [[ -- == "$word"* ]]; then
            COMPREPLY+=(--)
        fi
    elif __awsp_arg "$cmd" "$pos"; then
        __awsp_complete_kind "$kind" "$word" "$keep" "$kq"
    fi
    \builtin return 0
}

# Adds to COMPREPLY the caller's `vals`, each prefixed with $1, that begin with the word $2,
# less $3 (what stays on the line). Only for lists of plain words (options, regions...).
__awsp_offer() {
    \builtin local w
    for w in "${vals[@]}"; do
        w=$1$w
        [[ $w != "$2"* ]] || COMPREPLY+=("${w:${#3}}")
    done
}

# Completes a value of kind $1: $2 is the word, $3 what stays on the line, $4 its open quote,
# and $5 a prefix the word carries before the value (`--format=`).
__awsp_complete_kind() {
    \builtin local pre="${5-}" f
    \builtin local -a vals
    vals=()
    case $1 in
        profile)
            [[ $3 == "$pre"* ]] || \builtin return 0
            __awsp_complete_profiles "${2#"$pre"}" "${3#"$pre"}" "$4"
            ;;
        command | file)
            # Commands on PATH or files, quoted by readline as file names.
            \builtin compopt -o filenames 2>/dev/null || :
            if [[ $1 == command ]]; then
                \builtin mapfile -t vals < <(\builtin compgen -c -- "${2#"$pre"}" || :)
            else
                \builtin mapfile -t vals < <(\builtin compgen -f -- "${2#"$pre"}" || :)
            fi
            for f in "${vals[@]}"; do
                f=$pre$f
                COMPREPLY+=("${f:${#3}}")
            done
            ;;
        sso-session)
            # The [sso-session NAME] sections of the config file.
            \builtin mapfile -t vals < <(LC_ALL=C \command awk '/^[ \t]*\[[ \t]*sso-session[ \t]+[^] \t]+[ \t]*\]/ { s = $0; sub(/^[ \t]*\[[ \t]*sso-session[ \t]+/, "", s); sub(/[ \t]*\].*$/, "", s); print s }' "${AWS_CONFIG_FILE-${HOME-}/.aws/config}" 2>/dev/null || :)
            __awsp_offer "$pre" "$2" "$3"
            ;;
        *)
            __awsp_values "$1"
            __awsp_offer "$pre" "$2" "$3"
            ;;
    esac
}

# After `-- COMMAND`: that command's own completion when bash-completion is loaded, else files.
__awsp_complete_after() {
    \builtin local -i j
    if \builtin declare -F _command_offset >/dev/null; then
        # COMP_WORDS splits at word breaks, but `--` is a word of its own there too.
        for ((j = 1; j < COMP_CWORD; j++)); do
            [[ ${COMP_WORDS[j]} != -- ]] || \builtin break
        done
        _command_offset $((j + 1))
        \builtin return 0
    fi
    __awsp_complete_kind file "$2" "$3" ''
}

# Appends to COMPREPLY the profile names that start with $1, less the prefix $2 that stays on
# the line, quoted for the command line: backslashes outside quotes, none inside '...' (names
# with a ' are left out there), \ \" \$ \` inside "...".
__awsp_complete_profiles() {
    # $(...) reads awk's output in large blocks (mapfile from a pipe reads byte by byte);
    # the split is on newlines only, with globbing off for this function (`local -`).
    \builtin local - IFS=$'\n'
    \builtin set -f
    # shellcheck disable=SC2207
    COMPREPLY+=($(AWSP_WORD="$1" AWSP_KEEP="$2" AWSP_QUOTE="${3-}" __awsp_awk '
        NR > 3 && /^\t/ { exit }
        NR > 3 && index($0, ENVIRON["AWSP_WORD"]) == 1 {
            sub(/\t.*/, "")
            s = substr($0, length(ENVIRON["AWSP_KEEP"]) + 1)
            if (ENVIRON["AWSP_QUOTE"] == "\047") { if (index(s, "\047")) next }
            else if (ENVIRON["AWSP_QUOTE"] == "\"") gsub(/[\\"$`]/, "\\\\&", s)
            else gsub(/[^A-Za-z0-9_.\/:@+=,%\200-\377-]/, "\\\\&", s)
            print s
        }'))
}

# @AWSP_COMMAND_TABLE@
