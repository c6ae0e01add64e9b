# shellcheck shell=bash disable=SC2296,SC2298,SC2299,SC2034,SC2154,SC2016
# (shellcheck reads zsh as bash: SC2296/8/9 are zsh's own parameter flags, as in ${(f)x};
# SC2034/SC2154: compsys's CURRENT, PREFIX and words, which it cannot see; SC2016: awk
# programs and descriptions are single-quoted on purpose.)
# awsp's TAB completion for zsh, read by awsp.zsh at the first TAB (it uses that file's helpers).

# TAB completion (compsys): compadd and _describe filter by what is typed and quote what they
# insert. What each position takes comes from the command table (the functions at the end).
# compsys's own functions (_describe, _files, _normal) need the options compsys runs them with
# (extended_glob...), which `emulate -L zsh` turned off: _comp_options restores them.
__awsp_complete() {
    \builtin emulate -L zsh
    (( ! ${#_comp_options} )) || \builtin setopt "${(@)_comp_options}"
    \builtin local -a __awsp_lines vals descs ws
    \builtin local cmd=use kind='' pending='' route='' w
    \builtin integer i=1 pos=0 dd=-1 plain=0 at=0
    # ws: the words between `awsp` and the one being completed, unquoted. The command is the
    # first word when it names one; otherwise the words are a switch (`awsp PROFILE --region R`).
    ws=("${(@Q)words[2,CURRENT-1]}")
    if (( ${#ws} == 0 )); then
        if [[ $PREFIX == -* ]]; then
            __awsp_values options
            _describe -t options 'awsp option' descs
        else
            __awsp_load
            # SSO profiles' lines carry a tab and their record's number, and the records (lines that
            # begin with a tab) come last: only then is there anything to cut off, at a cost per name.
            if [[ ${__awsp_lines[-1]-} == $'\t'* ]]; then
                compadd -J profiles -X profile -- "${(@)${(@)__awsp_lines[4,-1]%%$'\t'*}:#}"
            else
                compadd -J profiles -X profile -- "${(@)__awsp_lines[4,-1]}"
            fi
            # Command names are lowercase words: anything else cannot begin one.
            if [[ $PREFIX != *[^a-z_]* ]]; then
                __awsp_values subcommand
                _describe -t commands 'awsp command' descs
            fi
        fi
        \builtin return 0
    fi
    __awsp_route "${ws[1]}"
    if [[ $route == run || $route == eval ]]; then
        # A command, or a first option that takes nothing after it (--help, --version).
        cmd=${ws[1]} i=2
        __awsp_arg "$cmd" 0 || __awsp_options "$cmd" || \builtin return 1
    elif [[ $route == unset ]]; then
        \builtin return 1
    elif [[ ${ws[1]} == use ]]; then
        i=2
    fi
    for (( ; i <= ${#ws}; i++ )); do
        w=${ws[i]}
        if (( dd >= 0 )); then
            dd+=1
        elif [[ -n $pending ]]; then
            pending=''
        elif (( ! plain )) && [[ $w == -- ]]; then
            # After --: the command to run, or (for a command that runs none) arguments only.
            if __awsp_rest "$cmd"; then dd=0 at=$(( i + 1 )); else plain=1; fi
        elif (( ! plain )) && [[ $w == -?* ]]; then
            # An option that takes a value takes the next word, unless given as --name=value.
            if [[ $w != *=* ]] && __awsp_option "$cmd" "$w" && [[ -n $kind ]]; then
                pending=$kind
            fi
        else
            pos+=1
        fi
    done
    if (( dd >= 0 )); then
        # The command after --, then its own completion, as zsh completes any command line.
        words=("${(@)words[at+1,-1]}")
        (( CURRENT -= at ))
        _normal
    elif [[ -n $pending ]]; then
        __awsp_complete_kind "$pending"
    elif (( ! plain )) && [[ $PREFIX == --*=* ]]; then
        kind=''
        if __awsp_option "$cmd" "${PREFIX%%=*}" && [[ -n $kind ]]; then
            compset -P '*='
            __awsp_complete_kind "$kind"
        fi
    elif (( ! plain )) && [[ $PREFIX == -* ]]; then
        if __awsp_options "$cmd"; then
            _describe -t options 'option' descs
        fi
        if __awsp_rest "$cmd"; then
            compadd -- --
        fi
    elif __awsp_arg "$cmd" "$pos"; then
        __awsp_complete_kind "$kind"
    fi
    \builtin return 0
}

# Completes a value of kind $1.
__awsp_complete_kind() {
    \builtin emulate -L zsh
    (( ! ${#_comp_options} )) || \builtin setopt "${(@)_comp_options}"
    \builtin local -a __awsp_lines vals descs
    case $1 in
        (profile)
            __awsp_load
            # SSO profiles' lines carry a tab and their record's number, and the records (lines that
            # begin with a tab) come last: only then is there anything to cut off, at a cost per name.
            if [[ ${__awsp_lines[-1]-} == $'\t'* ]]; then
                compadd -J profiles -X profile -- "${(@)${(@)__awsp_lines[4,-1]%%$'\t'*}:#}"
            else
                compadd -J profiles -X profile -- "${(@)__awsp_lines[4,-1]}"
            fi
            ;;
        (command) _command_names -e ;;
        (file) _files ;;
        (sso-session)
            # The [sso-session NAME] sections of the config file.
            vals=("${(@f)"$(LC_ALL=C \command awk '/^[ \t]*\[[ \t]*sso-session[ \t]+[^] \t]+[ \t]*\]/ { s = $0; sub(/^[ \t]*\[[ \t]*sso-session[ \t]+/, "", s); sub(/[ \t]*\].*$/, "", s); print s }' "${AWS_CONFIG_FILE-${HOME-}/.aws/config}" 2>/dev/null)"}")
            compadd -- "${(@)vals:#}"
            ;;
        (*)
            __awsp_values "$1"
            if (( ${#descs} )); then
                _describe -t values "$1" descs
            else
                compadd -- "${(@)vals}"
            fi
            ;;
    esac
}

# @AWSP_COMMAND_TABLE@
