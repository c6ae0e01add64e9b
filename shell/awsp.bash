# shellcheck shell=bash
# awsp shell integration for bash (4.4 or newer). Load it from ~/.bashrc with:
#   eval "$(awsp init bash)"
# (install.sh's line sources this file instead, which starts no Node.)
#
# The function `awsp` only routes: switching and unsetting change this shell, so they happen
# here; everything else runs the awsp program. Switching and TAB completion read a cache of
# profile names and start Node only when an AWS file has changed since the cache was built.
# Every helper is named __awsp_*, keeps its variables local, and calls builtins as \builtin
# so that the user's aliases and functions cannot hijack them.
#
# This file holds what a new shell needs at once: the prompt function and the folder hook,
# both run at every prompt. The rest (`awsp` itself, the folder check, TAB completion) is in
# awsp-lazy.bash beside it, read at first use.

\builtin unset -f awsp awsp_prompt __awsp_safe __awsp_lazy __awsp_load __awsp_read __awsp_awk __awsp_path __awsp_where __awsp_fresh __awsp_known __awsp_sso __awsp_sso_get __awsp_sso_time __awsp_use __awsp_clear __awsp_switch __awsp_eval __awsp_unset __awsp_help \
    __awsp_complete __awsp_offer __awsp_complete_kind __awsp_complete_after __awsp_complete_profiles \
    __awsp_route __awsp_arg __awsp_option __awsp_options __awsp_rest __awsp_values \
    __awsp_folder_hook __awsp_folder_check __awsp_folder_leave __awsp_folder_say
# An alias named awsp would be expanded in the definition below and would shadow the function.
\builtin unalias awsp 2>/dev/null || \builtin true

# Sets the variable named $1 to $2 with what a terminal would act on shown as `?`, as src/text.ts
# escapes it: C0, DEL and C1 controls, and the bidi and line-separator marks (U+061C,
# U+200E-U+200F, U+2028-U+202E, U+2066-U+2069, which would reorder the line). As bytes too, so
# the same in any locale (C1 in UTF-8 is \xc2 then \x80-\x9f).
__awsp_safe() {
    \builtin local __awsp_t="${2//[[:cntrl:]]/?}" __awsp_c
    __awsp_t=${__awsp_t//$'\xc2'[$'\x80'-$'\x9f']/?}
    if [[ $__awsp_t == *$'\xe2'* || $__awsp_t == *$'\xd8\x9c'* ]]; then
        for __awsp_c in $'\xd8\x9c' $'\xe2\x80\x8e' $'\xe2\x80\x8f' $'\xe2\x80\xa8' $'\xe2\x80\xa9' $'\xe2\x80\xaa' \
            $'\xe2\x80\xab' $'\xe2\x80\xac' $'\xe2\x80\xad' $'\xe2\x80\xae' $'\xe2\x81\xa6' $'\xe2\x81\xa7' $'\xe2\x81\xa8' $'\xe2\x81\xa9'; do
            __awsp_t=${__awsp_t//"$__awsp_c"/?}
        done
    fi
    \builtin printf -v "$1" '%s' "$__awsp_t"
}

# For a prompt: the profile in use and its region, `profile[@region]`, without a fork. Keys in
# the environment win over AWS_PROFILE, so then it names whose keys they are: `prod (keys)`
# for keys from `awsp exports prod`, with `, not dev` when AWS_PROFILE says otherwise and
# `expired` once AWS_CREDENTIAL_EXPIRATION has passed; `keys` for keys from elsewhere.
# Prints nothing when neither is set; control characters are shown as `?`.
#   awsp_prompt [-v VAR] [FORMAT]   FORMAT: a printf format with one %s (default %s);
#                                   -v VAR: into VAR instead (PROMPT_COMMAND, no subshell)
awsp_prompt() {
    \builtin local __awsp_v='' __awsp_p='' __awsp_n='' __awsp_t
    \builtin local __awsp_r="${AWS_REGION:-${AWS_DEFAULT_REGION-}}"
    if [[ ${1-} == -v ]]; then
        __awsp_v=${2-}
        \builtin shift 2 || \builtin return 2
    fi
    if [[ -n ${AWS_ACCESS_KEY_ID-} ]]; then
        if [[ ${AWSP_KEYS-} == "$AWS_ACCESS_KEY_ID" && -n ${AWSP_KEYS_PROFILE-} ]]; then
            __awsp_p=$AWSP_KEYS_PROFILE __awsp_n=keys
            if [[ -n ${AWS_CREDENTIAL_EXPIRATION-} ]]; then
                # Both UTC in the same form (awsp writes it), so they compare as strings.
                TZ=UTC0 \builtin printf -v __awsp_t '%(%Y-%m-%dT%H:%M:%SZ)T' -1
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
# gives back what was active before. The hook runs at each prompt (PROMPT_COMMAND): it returns
# at once unless AWSP_FOLDERS=1 and the folder changed, and then looks for the file with
# builtins only; a process (awk over the names cache) starts only to check the profile of a
# file it is about to obey. Its state, global, set once AWSP_FOLDERS=1 was used:
#   __awsp_folder_pwd     the folder it last looked at
#   __awsp_folder_file    the file obeyed now ('' for none), __awsp_folder_name its profile
#   __awsp_folder_before  AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWSP_REGION before the
#                         first file was obeyed: `+VALUE`, or `-` for unset
#   __awsp_folder_said    what it has said already, a line each (each warning once a shell)
__awsp_folder_hook() {
    \builtin local s=$? d
    if [[ ${AWSP_FOLDERS-} == 1 && ${PWD-} != "${__awsp_folder_pwd-}" ]]; then
        # With no file obeyed and none from here up, nothing to do: the check (and the rest of
        # the integration, read at first use) is not needed for it.
        if [[ -z ${__awsp_folder_file-} && ${PWD-} == /* ]]; then
            d=${PWD%/}
            until [[ -f $d/.awsprofile || -z $d ]]; do d=${d%/*}; done
            if [[ ! -f $d/.awsprofile ]]; then
                __awsp_folder_pwd=$PWD
                \builtin return "$s"
            fi
        fi
        __awsp_folder_check moved
    fi
    \builtin return "$s"
}

# bash parses every line of a sourced file, functions included, so a new shell reads only
# the part above; the rest waits in awsp-lazy.bash until the first `awsp`, TAB or folder
# check (measured: interactive bash start-up 1.85x a bare shell with all of it here, 1.24x
# with only this part). `awsp init bash` prints both in one, without this stub.
# @AWSP_LAZY_BEGIN@
# Reads awsp-lazy.bash ($1) as if at start-up, before any alias of the user's: alias
# expansion off while it is read, then as it was. That file replaces the stubs below, so the
# reader goes too (and a file that did not would not make a stub call itself for ever).
# $2 quiet: no message when it cannot (at TAB).
__awsp_read() {
    \builtin local __awsp_a=-u __awsp_s=0
    \builtin shopt -q expand_aliases && __awsp_a=-s
    \builtin shopt -u expand_aliases
    if [[ -r $1 ]] && \builtin source "$1"; then
        \builtin unset -f __awsp_load __awsp_read
    else
        __awsp_s=1
        [[ ${2-} == quiet ]] || \builtin printf 'awsp: cannot read %s; run install.sh again\n' "$1" >&2
    fi
    \builtin shopt "$__awsp_a" expand_aliases
    \builtin return "$__awsp_s"
}
__awsp_lazy() {
    \builtin local f="${BASH_SOURCE[0]}"
    if [[ $f == */* ]]; then f="${f%/*}"; else f=.; fi
    [[ $f == /* ]] || f="$PWD/$f"
    f+=/awsp-lazy.bash
    \builtin printf -v f '%q' "$f"
    \builtin eval "__awsp_load() { __awsp_read $f \"\$@\"; }"
}
__awsp_lazy
\builtin unset -f __awsp_lazy
awsp() { __awsp_load && awsp "$@"; }
__awsp_complete() { __awsp_load quiet && __awsp_complete "$@"; }
__awsp_folder_check() { __awsp_load && __awsp_folder_check "$@"; }
# @AWSP_LAZY_END@


\builtin complete -F __awsp_complete awsp

# The folder hook runs first at each prompt (so that a prompt showing awsp_prompt sees the
# switch), keeps $? for what follows, and is added once however often this file is loaded.
# PROMPT_COMMAND may be a string or (bash 5.1) an array: it stays what it is.
# shellcheck disable=SC2128,SC2178 # the last case is a string: the array is the one before
__awsp_folder_register() {
    \builtin local c
    if [[ -z ${PROMPT_COMMAND+set} ]]; then
        PROMPT_COMMAND=__awsp_folder_hook
    elif [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        for c in "${PROMPT_COMMAND[@]}"; do
            [[ $c != __awsp_folder_hook ]] || \builtin return 0
        done
        PROMPT_COMMAND=(__awsp_folder_hook "${PROMPT_COMMAND[@]}")
    elif [[ $PROMPT_COMMAND != *__awsp_folder_hook* ]]; then
        PROMPT_COMMAND=__awsp_folder_hook$'\n'$PROMPT_COMMAND
    fi
}
__awsp_folder_register
\builtin unset -f __awsp_folder_register
