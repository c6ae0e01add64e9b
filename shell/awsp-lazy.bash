# shellcheck shell=bash disable=SC2016,SC1001
# (SC2016: awk programs are single-quoted on purpose; SC1001: `VAR=x \command awk` is meant.)
# awsp's TAB completion for bash, read by awsp.bash at the first TAB (it uses that file's helpers).

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
