# shellcheck shell=bash disable=SC2296,SC2298,SC2299,SC2034,SC2154,SC2088
# (shellcheck reads zsh as bash: SC2296/8/9 are zsh's own parameter flags, as in ${(f)x};
# SC2034/SC2154: exported variables and compsys's CURRENT, PREFIX and words, which it cannot see;
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

\builtin unfunction awsp __awsp_load __awsp_path __awsp_where __awsp_fresh __awsp_use __awsp_clear __awsp_switch __awsp_complete 2>/dev/null || \builtin true
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
# for the config and credentials files, then one profile name per line. The cache is used only
# when __awsp_where trusts it, its header names exactly the files computed here, and it is
# fresh; otherwise awsp rebuilds it and prints it.
__awsp_load() {
    \builtin emulate -L zsh
    \builtin local c='' k='' cache=''
    __awsp_lines=()
    if __awsp_where; then
        __awsp_lines=("${(@f)"$(<"$cache")"}")
    fi
    if [[ ${__awsp_lines[1]-} == awsp-names-v2 && ${__awsp_lines[2]:1} == "$c" && ${__awsp_lines[3]:1} == "$k" ]] &&
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
    \builtin unset AWSP_KEYS
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

__awsp_switch() {
    \builtin emulate -L zsh
    \builtin local name='' code
    if (( $# == 1 )) && [[ $1 != -* && $1 != use ]]; then
        name="$1"
    elif (( $# == 2 )) && [[ $1 == use && $2 != -* ]]; then
        name="$2"
    fi
    if [[ -n $name ]]; then
        \builtin local -a __awsp_lines
        __awsp_load
        # (Ie): the last exact match; past the three header lines, it is a profile name.
        if (( ${__awsp_lines[(Ie)$name]} > 3 )); then
            __awsp_use "$name" ''
            \builtin return 0
        fi
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
    case $1 in
        (-u|--unset)
            if (( $# > 1 )); then
                \builtin printf 'awsp: %s takes no arguments\n' "$1" >&2
                \builtin return 2
            fi
            __awsp_clear unset
            \builtin unset AWS_PROFILE
            ;;
        (init|list|status|exports|exec|serve|forget|login|logout|sso|console|help|-h|--help|-V|--version)
            AWSP_SHELL=zsh \command awsp "$@"
            ;;
        (pick|-i)
            # The list is drawn on /dev/tty; stdout carries only the switch, as for __switch.
            \builtin local code
            code="$(AWSP_SHELL=zsh \command awsp "$@")" || \builtin return
            \builtin eval "$code"
            ;;
        (*)
            __awsp_switch "$@"
            ;;
    esac
}

# TAB completion (compsys): compadd filters by what is typed and quotes what it inserts.
__awsp_complete() {
    \builtin emulate -L zsh
    \builtin local -a __awsp_lines
    if (( CURRENT == 2 )); then
        if [[ $PREFIX == -* ]]; then
            compadd -- --unset -u --region --help --version
        else
            __awsp_load
            compadd -J profiles -- "${(@)__awsp_lines[4,-1]}"
            compadd -J commands -- use list exports exec init help
        fi
    elif [[ ${words[CURRENT-1]} == --region || ${words[CURRENT-1]} == -r ]]; then
        \builtin return 1
    elif (( CURRENT == 3 )) && [[ ${words[2]} == use || ${words[2]} == exports || ${words[2]} == exec ]] && [[ $PREFIX != -* ]]; then
        __awsp_load
        compadd -J profiles -- "${(@)__awsp_lines[4,-1]}"
    elif (( CURRENT == 3 )) && [[ ${words[2]} == init ]]; then
        compadd -- bash zsh fish
    elif [[ $PREFIX == -* ]]; then
        case ${words[2]} in
            (list) compadd -- --json ;;
            (exports) compadd -- --format --duration --no-session --reveal --write-credentials --force --login -- ;;
            (exec) compadd -- --duration --no-session --login -- ;;
            (init|help) ;;
            (*) compadd -- --region ;;
        esac
    fi
}

if (( ${+functions[compdef]} )); then
    compdef __awsp_complete awsp
fi
