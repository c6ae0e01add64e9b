# awsp's TAB completion for fish, read by awsp.fish at the first TAB (it uses that file's helpers).

# TAB completion: one function gives every candidate (with a description after a tab), from
# what the command line holds so far and the command table (the functions at the end of this
# file); fish filters them by what is typed and quotes what it inserts. Files are never
# offered unless a value is a file (`complete -f` below).
function __awsp_complete
    set -l IFS \n
    set -l ws (builtin commandline -opc)
    set -l token (builtin commandline -ct 2>/dev/null)
    set -e ws[1]
    # ws: the words between `awsp` and the one being completed. The command is the first word
    # when it names one; otherwise the words are a switch (`awsp PROFILE --region R`).
    if not set -q ws[1]
        if string match -q -- '-*' "$token"
            __awsp_offer "$token" (__awsp_values options)
        else
            # Names without a description: fish would split thousands of lines at a tab.
            __awsp_names
            __awsp_offer "$token" (__awsp_values subcommand)
        end
        return 0
    end
    set -l cmd use
    set -l i 1
    switch (__awsp_route $ws[1])
        case run eval
            # A command, or a first option that takes nothing after it (--help, --version).
            set cmd $ws[1]
            set i 2
            __awsp_arg $cmd 0 >/dev/null; or __awsp_options $cmd >/dev/null; or return 0
        case unset
            return 0
        case '*'
            test "$ws[1]" = use; and set i 2
    end
    set -l pos 0
    set -l dd -1
    set -l plain 0
    set -l pending
    set -l rest
    for w in $ws[$i..-1]
        if test $dd -ge 0
            set -a rest $w
            set dd (builtin math $dd + 1)
        else if set -q pending[1]
            set pending
        else if test $plain = 0; and test "$w" = --
            # After --: the command to run, or (for a command that runs none) arguments only.
            if __awsp_rest $cmd
                set dd 0
            else
                set plain 1
            end
        else if test $plain = 0; and string match -q -- '-?*' $w
            # An option that takes a value takes the next word, unless given as --name=value.
            if not string match -q -- '*=*' $w
                set pending (__awsp_option $cmd $w)
            end
        else
            set pos (builtin math $pos + 1)
        end
    end
    if test $dd -ge 0
        # The command after --, then its own completion, as fish completes any command line.
        set -l line (string escape -- $rest) $token
        complete -C (string join ' ' -- $line)
    else if set -q pending[1]
        __awsp_complete_kind $pending ''
    else if test $plain = 0; and string match -q -- '--*=*' "$token"
        set -l name (string replace -r -- '=.*' '' "$token")
        set -l kind (__awsp_option $cmd $name)
        and set -q kind[1]
        and __awsp_complete_kind $kind $name=
    else if test $plain = 0; and string match -q -- '-*' "$token"
        __awsp_offer "$token" (__awsp_options $cmd) (__awsp_rest $cmd; and builtin printf '%s\n' --)
    else
        set -l kind (__awsp_arg $cmd $pos)
        and __awsp_complete_kind $kind ''
    end
    return 0
end

# The candidates for a value of kind argv[1]; argv[2] is what the token holds before the value (`--format=`).
function __awsp_complete_kind
    set -l IFS \n
    set -l pre $argv[2]
    set -l full (builtin commandline -ct 2>/dev/null)
    set -l token (string sub -s (builtin math (string length -- "$pre") + 1) -- "$full")
    set -l values
    switch $argv[1]
        case profile
            # Straight through: thousands of names.
            if test -z "$pre"
                __awsp_names
                return 0
            end
            set values (__awsp_names)
        case command
            set values (__fish_complete_command "$token")
        case file
            set values (__fish_complete_path "$token")
        case sso-session
            # The [sso-session NAME] sections of the config file.
            set -l c "$HOME/.aws/config"
            set -q AWS_CONFIG_FILE; and set c $AWS_CONFIG_FILE
            set values (LC_ALL=C command awk '/^[ \t]*\[[ \t]*sso-session[ \t]+[^] \t]+[ \t]*\]/ { s = $0; sub(/^[ \t]*\[[ \t]*sso-session[ \t]+/, "", s); sub(/[ \t]*\].*$/, "", s); print s }' $c 2>/dev/null)
        case '*'
            set values (__awsp_values $argv[1])
    end
    set -q values[1]; or return 0
    __awsp_offer "$full" $pre$values
end

# Prints the candidates argv[2..] (`value` or `value<tab>description`) whose value holds the
# token argv[1], ignoring case; fish then ranks them. (With the user's IFS empty, fish takes
# whatever a completion function prints without filtering it.)
function __awsp_offer
    set -q argv[2]; or return 0
    set -l IFS \n
    set -l hits (string match -rie -- '^[^\t]*'(string escape --style=regex -- $argv[1]) $argv[2..-1])
    set -q hits[1]; and builtin printf '%s\n' $hits
end

# @AWSP_COMMAND_TABLE@
