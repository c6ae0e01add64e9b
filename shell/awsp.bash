# shellcheck shell=bash
# awsp shell integration for bash (4.4 or newer). Load it from ~/.bashrc with:
#   eval "$(awsp init bash)"
#
# The function `awsp` only routes: switching and unsetting change this shell, so they happen
# here; everything else runs the awsp program. Switching and TAB completion read a cache of
# profile names and start Node only when an AWS file has changed since the cache was built.
# Every helper is named __awsp_*, keeps its variables local, and calls builtins as \builtin
# so that the user's aliases and functions cannot hijack them.

\builtin unset -f awsp __awsp_load __awsp_fresh __awsp_use __awsp_clear __awsp_switch __awsp_complete 2>/dev/null

# Fills the caller's array __awsp_lines with the names cache: a version line, `+PATH`/`-PATH`
# for the config and credentials files, then one profile name per line.
__awsp_load() {
    \builtin local c=${AWS_CONFIG_FILE-${HOME-}/.aws/config}
    \builtin local k=${AWS_SHARED_CREDENTIALS_FILE-${HOME-}/.aws/credentials}
    c=${c//"%"/%25} k=${k//"%"/%25}
    \builtin local cache=${XDG_CACHE_HOME:-${HOME-}/.cache}/awsp/names-${c//\//%2F}%%${k//\//%2F}
    __awsp_lines=()
    if [[ -f $cache ]]; then
        \builtin mapfile -t __awsp_lines <"$cache"
    fi
    if [[ ${__awsp_lines[0]-} == awsp-names-v1 ]] \
        && __awsp_fresh "$cache" "${__awsp_lines[1]-}" \
        && __awsp_fresh "$cache" "${__awsp_lines[2]-}"; then
        return 0
    fi
    \builtin mapfile -t __awsp_lines < <(AWSP_SHELL=bash \command awsp __cache)
}

# Is the cache ($1) still right about one file ($2: `+PATH` was there, `-PATH` was not)?
__awsp_fresh() {
    \builtin local file=${2:1}
    case $2 in
        +*) [[ -e $file && $1 -nt $file ]] ;;
        -*) [[ ! -e $file ]] ;;
        *) return 1 ;;
    esac
}

# Removes what awsp set before: its region, its exported keys, and AWS_DEFAULT_PROFILE.
# With $1 = switch, keys the user set by hand go too (they would override AWS_PROFILE),
# and stderr says which.
__awsp_clear() {
    \builtin local v cleared='' ours=0
    if [[ -n ${AWSP_KEYS+set} && ${AWSP_KEYS} == "${AWS_ACCESS_KEY_ID-}" ]]; then
        ours=1
    fi
    for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION; do
        [[ -n ${!v+set} ]] || continue
        if ((ours)); then
            \builtin unset -v "$v"
        elif [[ $1 == switch ]]; then
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
    \builtin local name='' n code
    if (($# == 1)) && [[ $1 != -* && $1 != use ]]; then
        name=$1
    elif (($# == 2)) && [[ $1 == use && $2 != -* ]]; then
        name=$2
    fi
    if [[ -n $name ]]; then
        \builtin local -a __awsp_lines
        __awsp_load
        for n in "${__awsp_lines[@]:3}"; do
            if [[ $n == "$name" ]]; then
                __awsp_use "$name" ''
                return 0
            fi
        done
    fi
    # Not a name the cache knows, or options: awsp validates, explains, or says what to run.
    code=$(AWSP_SHELL=bash \command awsp __switch "$@") || return
    \builtin eval "$code"
}

awsp() {
    if (($# == 0)); then
        AWSP_SHELL=bash \command awsp status
        return
    fi
    case $1 in
        -u | --unset)
            if (($# > 1)); then
                \builtin printf 'awsp: %s takes no arguments\n' "$1" >&2
                return 2
            fi
            __awsp_clear unset
            \builtin unset -v AWS_PROFILE
            ;;
        init | list | status | exports | exec | help | -h | --help | -V | --version)
            AWSP_SHELL=bash \command awsp "$@"
            ;;
        *)
            __awsp_switch "$@"
            ;;
    esac
}

# TAB completion. Profile names may hold `:`, `=` or `@`, which bash splits words at
# (COMP_WORDBREAKS), so matching uses the whole word from COMP_LINE and each reply drops the
# part of the word that bash already keeps before the break.
__awsp_complete() {
    \builtin local line=${COMP_LINE:0:COMP_POINT}
    \builtin local word=${line##*[[:space:]]}
    \builtin local cur=${COMP_WORDS[COMP_CWORD]-}
    \builtin local keep='' prev=${COMP_WORDS[COMP_CWORD - 1]-} first=${COMP_WORDS[1]-}
    \builtin local -a __awsp_lines cands
    \builtin local c n
    [[ $word == *"$cur" ]] && keep=${word%"$cur"}
    COMPREPLY=()
    cands=()
    if ((COMP_CWORD == 1)); then
        if [[ $word == -* ]]; then
            cands=(--unset -u --region --help --version)
        else
            cands=(use list exports exec init help)
            __awsp_load
            cands+=("${__awsp_lines[@]:3}")
        fi
    elif [[ $prev == --region || $prev == -r ]]; then
        return 0
    elif ((COMP_CWORD == 2)) && [[ $first == use || $first == exports || $first == exec ]] && [[ $word != -* ]]; then
        __awsp_load
        cands=("${__awsp_lines[@]:3}")
    elif ((COMP_CWORD == 2)) && [[ $first == init ]]; then
        cands=(bash zsh fish)
    elif [[ $word == -* ]]; then
        case $first in
            list) cands=(--json) ;;
            exports) cands=(--format --duration --no-session --reveal --write-credentials --force --login --) ;;
            exec) cands=(--duration --no-session --login --) ;;
            init | help) ;;
            *) cands=(--region) ;;
        esac
    fi
    for c in "${cands[@]}"; do
        if [[ $c == "$word"* ]]; then
            n=${c#"$keep"}
            # Quote only names that need it: printf -v costs time at 10,000 profiles.
            [[ $n != *[!A-Za-z0-9_./:@+=,%-]* ]] || \builtin printf -v n '%q' "$n"
            COMPREPLY+=("$n")
        fi
    done
    return 0
}

\builtin complete -F __awsp_complete awsp
