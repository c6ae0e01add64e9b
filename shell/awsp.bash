# shellcheck shell=bash disable=SC2016,SC2034,SC1001,SC2088
# (SC2016: awk programs are single-quoted on purpose; SC2034: shellcheck does not see
# that `\builtin export` exports; SC1001: `VAR=x \command awk` is meant, to skip aliases;
# SC2088: a quoted `~` is the literal tilde of an AWS path, which awsp expands as botocore does.)
# awsp shell integration for bash (4.4 or newer). Load it from ~/.bashrc with:
#   eval "$(awsp init bash)"
#
# The function `awsp` only routes: switching and unsetting change this shell, so they happen
# here; everything else runs the awsp program. Switching and TAB completion read a cache of
# profile names and start Node only when an AWS file has changed since the cache was built.
# Every helper is named __awsp_*, keeps its variables local, and calls builtins as \builtin
# so that the user's aliases and functions cannot hijack them.

\builtin unset -f awsp __awsp_awk __awsp_path __awsp_where __awsp_fresh __awsp_known __awsp_use __awsp_clear __awsp_switch __awsp_complete __awsp_complete_profiles
# An alias named awsp would be expanded in the definition below and would shadow the function.
\builtin unalias awsp 2>/dev/null || \builtin true

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
# and credentials files (there or not when it was built), then one profile name per line. The
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
    if ! { [[ $v == awsp-names-v2 && ${cf:1} == "$c" && ${kf:1} == "$k" ]] && __awsp_fresh "$cache" "$cf" && __awsp_fresh "$cache" "$kf"; }; then
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

# Is $1 a profile name? (Past the header; compared as bytes.)
__awsp_known() {
    AWSP_NAME="$1" __awsp_awk 'NR > 3 && $0 "" == ENVIRON["AWSP_NAME"] "" { found = 1; exit } END { exit !found }'
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
    \builtin unset -v AWSP_KEYS
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
    \builtin local name='' code
    if (($# == 1)) && [[ $1 != -* && $1 != use ]]; then
        name=$1
    elif (($# == 2)) && [[ $1 == use && $2 != -* ]]; then
        name=$2
    fi
    if [[ -n $name ]] && __awsp_known "$name"; then
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
    case $1 in
        -u | --unset)
            if (($# > 1)); then
                \builtin printf 'awsp: %s takes no arguments\n' "$1" >&2
                \builtin return 2
            fi
            __awsp_clear unset
            \builtin unset -v AWS_PROFILE
            ;;
        init | list | status | exports | exec | serve | forget | login | logout | sso | console | help | -h | --help | -V | --version)
            AWSP_SHELL=bash \command awsp "$@"
            ;;
        pick | -i)
            # The list is drawn on /dev/tty; stdout carries only the switch, as for __switch.
            \builtin local code
            code=$(AWSP_SHELL=bash \command awsp "$@") || \builtin return
            \builtin eval "$code"
            ;;
        *)
            __awsp_switch "$@"
            ;;
    esac
}

# TAB completion. bash splits COMP_WORDS at COMP_WORDBREAKS (`:`, `=`, `@`...), which profile
# names hold, so COMP_CWORD does not count shell words; and readline replaces only the text
# after the last break ($2; inside an open quote, the text after the quote, which readline
# closes). So the shell words are read here from COMP_LINE: $word is the current one, unquoted,
# and each reply is the rest of a name after $keep, the part of $word that stays on the line,
# quoted for where it goes ($kq: the quote open there, if any).
__awsp_complete() {
    \builtin local line="${COMP_LINE:0:COMP_POINT}" text="${2-}"
    \builtin local -i i=0 len=${#line} cut nw=0
    \builtin local ch='' q='' word='' keep='' kq='' prev='' first=''
    \builtin local -a words
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
                ((nw != 1)) || first=${word}
                prev=${word} word='' nw+=1
            fi
            # A command separator: what follows is a new command.
            [[ ${ch} == [[:space:]] ]] || nw=0
        else
            word+=${ch}
        fi
        i+=1
    done
    COMPREPLY=()
    if ((nw == 1)) && [[ $word != -* ]]; then
        words=(use list exports exec init help)
        __awsp_complete_profiles "$word" "$keep" "$kq"
    elif ((nw == 1)); then
        words=(--unset -u --region --help --version)
    elif [[ $prev == --region || $prev == -r ]]; then
        \builtin return 0
    elif ((nw == 2)) && [[ $first == use || $first == exports || $first == exec ]] && [[ $word != -* ]]; then
        __awsp_complete_profiles "$word" "$keep" "$kq"
        \builtin return 0
    elif ((nw == 2)) && [[ $first == init ]]; then
        words=(bash zsh fish)
    elif ((nw > 1)) && [[ $word == -* ]]; then
        case $first in
            list) words=(--json) ;;
            exports) words=(--format --duration --no-session --reveal --write-credentials --force --login --) ;;
            exec) words=(--duration --no-session --login --) ;;
            init | help) ;;
            *) words=(--region) ;;
        esac
    fi
    \builtin local w
    for w in "${words[@]}"; do
        [[ $w != "$word"* ]] || COMPREPLY+=("$w")
    done
    \builtin return 0
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
        NR > 3 && index($0, ENVIRON["AWSP_WORD"]) == 1 {
            s = substr($0, length(ENVIRON["AWSP_KEEP"]) + 1)
            if (ENVIRON["AWSP_QUOTE"] == "\047") { if (index(s, "\047")) next }
            else if (ENVIRON["AWSP_QUOTE"] == "\"") gsub(/[\\"$`]/, "\\\\&", s)
            else gsub(/[^A-Za-z0-9_.\/:@+=,%\200-\377-]/, "\\\\&", s)
            print s
        }'))
}

\builtin complete -F __awsp_complete awsp
