# awsp shell integration for fish. Load it from ~/.config/fish/conf.d/awsp.fish with:
#   awsp init fish | source
#
# The function `awsp` only routes: switching and unsetting change this shell, so they happen
# here; everything else runs the awsp program. Switching and TAB completion read a cache of
# profile names and start Node only when an AWS file has changed since the cache was built.
# Helpers are named __awsp_* and keep their variables local (set -l).

# Builtins a user's function could shadow are called through `builtin`; functions that read
# a command substitution set IFS locally (an empty IFS stops fish from splitting its lines).
builtin functions -e awsp awsp_prompt __awsp_safe __awsp_cache __awsp_path __awsp_where __awsp_fresh __awsp_known __awsp_sso __awsp_names __awsp_use __awsp_clear __awsp_switch __awsp_eval __awsp_unset \
    __awsp_complete __awsp_complete_kind __awsp_offer __awsp_expired __awsp_route __awsp_arg __awsp_option __awsp_options __awsp_rest __awsp_values \
    __awsp_folder_hook __awsp_folder_check __awsp_folder_leave __awsp_folder_say
builtin complete -e -c awsp

# Prints the key of each AWS file in argv, one a line: the absolute path the AWS CLI opens for
# that raw path (botocore expands a leading ~ with $HOME; a relative path is relative to $PWD).
# Fails for a path the cache cannot stand for: an empty one, one holding `$` (botocore expands
# variables), ~user, ~ without HOME, or a control character (a newline would shift the cache's
# header). src/cache.ts has the same rule; the tests check that they agree. Each step works on
# all the paths at once: every builtin call costs in fish.
function __awsp_path
    set -l IFS \n
    set -l p $argv
    # Control characters are refused before anything is split on a line break: in the raw
    # paths, and in HOME or PWD where they are about to become part of one.
    string match -qr -- '^$|\$|^~[^/]|[\x01-\x1f\x7f]' $p; and return 1
    if string match -qr -- '^~' $p
        set -q HOME; or return 1
        string match -qr -- '[\x01-\x1f\x7f]' $HOME; and return 1
        set p (string replace -r -- '^~' (string replace -r -- '/+$' '' $HOME) $p | string replace -r -- '^$' /)
    end
    if string match -qr -- '^[^/]' $p
        string match -qr -- '[\x01-\x1f\x7f]' $PWD; and return 1
        set p (string replace -r -- '^(?=[^/])' (string replace -r -- '/$' '' $PWD)/ $p)
    end
    builtin printf '%s\n' $p
end

# Prints the keys of the config and credentials files and the names cache file, one a line, or
# fails when the cache may not be used: its folder ($XDG_CACHE_HOME/awsp, or ~/.cache/awsp) must
# be the user's own and not a shared one with the sticky bit (like /tmp), and the file the
# user's own: another user must not be able to plant names.
function __awsp_where
    set -l IFS \n
    set -l p '~/.aws/config' '~/.aws/credentials'
    set -q AWS_CONFIG_FILE; and set p[1] $AWS_CONFIG_FILE
    set -q AWS_SHARED_CREDENTIALS_FILE; and set p[2] $AWS_SHARED_CREDENTIALS_FILE
    set p (__awsp_path $p); or return 1
    set -l d $HOME/.cache/awsp
    string match -q -- '/*' "$XDG_CACHE_HOME"; and set d $XDG_CACHE_HOME/awsp
    or string match -q -- '/*' "$HOME"; or return 1
    test -d $d -a -O $d -a ! -k $d; or return 1
    set -l e (string replace -a -- % %25 $p | string replace -a -- / %2F)
    set -l cache "$d/names-$e[1]%%$e[2]"
    test -f $cache -a -O $cache; or return 1
    builtin printf '%s\n' $p $cache
end

# Runs awk with the program argv[1] on the names cache, or on what awsp prints when it
# rebuilds it: a version line, `+KEY`/`-KEY` for the config and credentials files (there or not
# when it was built), then one profile name per line (for an SSO profile: a tab and the line
# of its session's record; the records follow the names, each a tab, the token file, a tab,
# the warning to print; see src/cache.ts). The cache is used only when __awsp_where
# trusts it, its header names exactly the files computed here, and it is fresh. Only the header
# is read here; awk handles the names, which is far faster than fish loops at 10,000.
function __awsp_cache
    set -l IFS \n
    set -l where (__awsp_where)
    set -l v
    set -l cf
    set -l kf
    set -q where[3]; and read -L v cf kf <$where[3]
    if test "$v" = awsp-names-v3; and builtin contains -- "$cf" "+$where[1]" "-$where[1]"; and builtin contains -- "$kf" "+$where[2]" "-$where[2]"
        and __awsp_fresh $where[3] "$cf"; and __awsp_fresh $where[3] "$kf"
        command awk $argv[1] <$where[3]
    else
        AWSP_SHELL=fish command awsp __cache | command awk $argv[1]
    end
end

# Is argv[1] a profile name? (Past the header; compared as bytes.) For an SSO profile, prints
# its session's record: the token file and the warning, tab-separated. When awsp has to read the
# files, AWSP_NAME tells it that a switch asks, and it says what is wrong with them.
function __awsp_known
    AWSP_NAME=$argv[1] LC_ALL=C __awsp_cache 'BEGIN { w = ENVIRON["AWSP_NAME"] "" }
        want && NR == want { print substr($0, 2); exit }
        !want && NR > 3 && index($0, w) == 1 {
            r = substr($0, length(w) + 1)
            if (r == "") { found = 1; exit }
            # An SSO profile: its record, at the line number after the tab, is printed.
            if (substr(r, 1, 1) == "\t") { found = 1; want = substr(r, 2) + 0; if (want <= NR) exit }
        }
        END { exit !found }'
end

# Prints the warning argv[2] (a line awsp built, escaped) when the SSO token file argv[1] holds
# no live session: missing, unreadable, or expired without the refresh token and live client
# registration the SDKs renew it with. The judgement of sessionState (src/sso/tokens.ts), with
# builtins and no fork (__awsp_expired reads the clock from /proc); the file is read only when
# it is a regular file (a FIFO would block). Times are read in the forms tokenTime reads: UTC,
# `YYYY-MM-DDTHH:MM:SS`, optional fractions, then `Z`, `UTC` or `+00:00`.
function __awsp_sso
    set -l t
    if test -f $argv[1]; and test -r $argv[1]
        read -z t <$argv[1] 2>/dev/null
    end
    set -l time '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|UTC|\+00:00)$'
    # The first `"KEY": "..."` of each key.
    set -l e (string match -rg -- '"expiresAt"\s*:\s*"([^"]*)"' "$t")
    if string match -rq -- '"accessToken"\s*:\s*"' "$t"; and string match -rq -- $time "$e"
        __awsp_expired $e; or return 0
        set -l r (string match -rg -- '"registrationExpiresAt"\s*:\s*"([^"]*)"' "$t")
        if string match -rq -- '"refreshToken"\s*:\s*"[^"]' "$t"
            and string match -rq -- '"clientId"\s*:\s*"[^"]' "$t"
            and string match -rq -- '"clientSecret"\s*:\s*"[^"]' "$t"
            and string match -rq -- $time "$r"
            and not __awsp_expired $r
            return 0
        end
    end
    builtin printf '%s\n' $argv[2] >&2
end

# Profile names for completion. Only those containing the token being completed (ignoring
# case) reach fish, which then ranks them: handing fish 10,000 names on every TAB is slow.
function __awsp_names
    set -l IFS \n
    # Outside a completion (no command line to read) every name is printed.
    set -l token (builtin commandline -ct 2>/dev/null)
    # A token with quotes or escapes is not the name as typed: let fish do all the matching.
    string match -qr -- '[\\\\\'"]' "$token"; and set token ''
    AWSP_WORD=$token LC_ALL=C __awsp_cache 'NR > 3 && /^\t/ { exit } NR > 3 { sub(/\t.*/, "") } NR > 3 && index(tolower($0), tolower(ENVIRON["AWSP_WORD"]))'
end

# Is the cache ($argv[1]) still right about one file ($argv[2]: `+PATH` was there, `-PATH` was not)?
# The cache must be newer than the file and than its folder: a file replaced by an older one
# (mv of a backup, cp -p, tar) keeps its old mtime, but the rename changes the folder's.
function __awsp_fresh
    set -l file (string sub -s 2 -- $argv[2])
    switch $argv[2]
        case '+*'
            test -e $file; and test $argv[1] -nt $file; and test $argv[1] -nt (string replace -r -- '/[^/]*$' '' $file)/.
        case '-*'
            not test -e $file
        case '*'
            return 1
    end
end

# Removes what awsp set before: its region, its exported keys, and AWS_DEFAULT_PROFILE.
# With argv[1] = switch, keys the user set by hand go too (they would override AWS_PROFILE),
# and stderr says which.
function __awsp_clear
    set -l cleared
    set -l ours 0
    if set -q AWSP_KEYS; and set -q AWS_ACCESS_KEY_ID; and test "$AWSP_KEYS" = "$AWS_ACCESS_KEY_ID"
        set ours 1
    end
    for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION
        set -q $v; or continue
        if test $ours = 1
            set -e -g $v
        else if test "$argv[1]" = switch
            set -e -g $v
            set -a cleared $v
        end
    end
    set -e -g AWSP_KEYS AWSP_KEYS_PROFILE
    if set -q AWS_DEFAULT_PROFILE
        test "$argv[1]" = switch; and set -a cleared AWS_DEFAULT_PROFILE
        set -e -g AWS_DEFAULT_PROFILE
    end
    if set -q AWSP_REGION
        for v in AWS_REGION AWS_DEFAULT_REGION
            if set -q $v; and test "$$v" = "$AWSP_REGION"
                set -e -g $v
            end
        end
        set -e -g AWSP_REGION
    end
    if set -q cleared[1]
        builtin printf 'awsp: cleared %s from the environment (it would override AWS_PROFILE)\n' "$cleared" >&2
    end
    return 0
end

# Switches to profile argv[1], already validated; argv[2] is a region or empty.
function __awsp_use
    __awsp_clear switch
    set -gx AWS_PROFILE $argv[1]
    if test -n "$argv[2]"
        set -gx AWS_REGION $argv[2]
        set -gx AWS_DEFAULT_REGION $argv[2]
        set -gx AWSP_REGION $argv[2]
    end
    return 0
end

function __awsp_switch
    set -l IFS \n
    set -l name
    if test (builtin count $argv) -eq 1; and not string match -q -- '-*' $argv[1]; and test "$argv[1]" != use
        set name $argv[1]
    else if test (builtin count $argv) -eq 2; and test "$argv[1]" = use; and not string match -q -- '-*' $argv[2]
        set name $argv[2]
    end
    set -l sso
    # (A tab is in no name of the cache, but in its SSO records: such a word goes to awsp.)
    if test -n "$name"; and not string match -q -- '*'\t'*' $name; and set sso (__awsp_known $name)
        # An SSO profile: the switch happens all the same, after a warning if it needs a login.
        if test -n "$sso"
            set sso (string split -m 1 -- \t $sso)
            __awsp_sso $sso[1] $sso[2]
        end
        __awsp_use $name ''
        return 0
    end
    # Not a name the cache knows, or options: awsp validates, explains, or says what to run.
    # Only awsp's stdout is run. Its stderr (and Node's, which may name any path) is left alone:
    # in a pipeline it follows this function's redirections (`awsp x 2>/dev/null`), which a
    # command substitution's stderr would not. On failure awsp prints nothing on stdout.
    AWSP_SHELL=fish command awsp __switch $argv | builtin source
    return $pipestatus[1]
end

function awsp --description 'Switch AWS profiles: awsp PROFILE, awsp --unset, awsp list'
    if not set -q argv[1]
        AWSP_SHELL=fish command awsp status
        return
    end
    # Help is only ever printed, never evaluated, whatever the command. (A first word that
    # asks for it routes to the program anyway.)
    if set -q argv[2]
        for a in $argv
            test "$a" = --; and break
            if test "$a" = -h; or test "$a" = --help
                AWSP_SHELL=fish command awsp $argv
                return
            end
        end
    end
    # The first word as the command table routes it (rendered by the build): commands run the
    # program, or have what it prints evaluated (__awsp_eval); -u and the switch change this
    # shell here.
    switch $argv[1]
        # @AWSP_ROUTES@
        case '*'
            __awsp_switch $argv
    end
end

# awsp --unset: AWS_PROFILE gone entirely, with what awsp set (keys and a region you set stay).
function __awsp_unset
    if set -q argv[2]
        builtin printf 'awsp: %s takes no arguments\n' $argv[1] >&2
        return 2
    end
    __awsp_clear unset
    set -e -g AWS_PROFILE
    return 0
end

# Commands that change this shell: what awsp prints on stdout is sourced, and only when it
# succeeds (its messages go to stderr, straight to the terminal).
function __awsp_eval
    set -l IFS \n
    set -l code (AWSP_SHELL=fish command awsp $argv)
    or return
    # Not eval: it would join the lines with spaces.
    builtin printf '%s\n' $code | builtin source
end

# argv[1] with what a terminal would act on shown as `?`, as src/text.ts escapes it: C0, DEL
# and C1 controls, and the bidi and line-separator marks (which would reorder the line).
function __awsp_safe
    string replace -ra -- '[\x00-\x1f\x7f-\x9f\x{061c}\x{200e}\x{200f}\x{2028}-\x{202e}\x{2066}-\x{2069}]' '?' $argv[1]
end

# For a prompt (fish_prompt, fish_right_prompt): the profile in use and its region,
# `profile[@region]`, without a fork. Keys in the environment win over AWS_PROFILE, so then it
# names whose keys they are: `prod (keys)` for keys from `awsp exports prod`, with `, not dev`
# when AWS_PROFILE says otherwise and `expired` once AWS_CREDENTIAL_EXPIRATION has passed;
# `keys` for keys from elsewhere. Prints nothing when neither is set; control characters are
# shown as `?`. argv[1]: a printf format with one %s (default %s).
function awsp_prompt --description 'The AWS profile in use, for a prompt'
    set -l who
    set -l note
    set -l region $AWS_REGION
    test -n "$region"; or set region $AWS_DEFAULT_REGION
    if test -n "$AWS_ACCESS_KEY_ID"
        if test "$AWSP_KEYS" = "$AWS_ACCESS_KEY_ID"; and test -n "$AWSP_KEYS_PROFILE"
            set who $AWSP_KEYS_PROFILE
            set note keys
            if test -n "$AWS_CREDENTIAL_EXPIRATION"; and __awsp_expired $AWS_CREDENTIAL_EXPIRATION
                set note 'keys expired'
            end
        else
            set who keys
        end
        if test -n "$AWS_PROFILE"; and test "$AWS_PROFILE" != "$who"
            set -a note "not $AWS_PROFILE"
        end
    else
        set who $AWS_PROFILE
    end
    test -n "$who"; or return 0
    set -l text $who
    test -n "$region"; and set text "$text@$region"
    set -q note[1]; and set text "$text ("(string join ', ' -- $note)")"
    set text (__awsp_safe $text)
    set -l format %s
    set -q argv[1]; and set format $argv[1]
    builtin printf $format $text
end

# Whether the time argv[1] (ISO 8601 UTC, as awsp writes it) has passed. The clock without a
# fork: Linux's boot time (/proc/stat) plus the time since (/proc/uptime); else date(1).
function __awsp_expired
    set -l IFS \n
    set -l t (string match -r -g -- '^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)' $argv[1])
    or return 1
    set -l now
    set -l up (string split -f1 -- ' ' </proc/uptime 2>/dev/null)
    set -l boot (string match -r -g -- '^btime (\d+)' </proc/stat 2>/dev/null)
    if set -q up[1]; and set -q boot[1]
        set now (builtin math --scale 0 "floor($up) + $boot")
    else
        set now (command date -u +%s)
    end
    # Days since 1970-01-01 of the civil date (the usual era arithmetic, March-based years).
    set -l y $t[1]
    test $t[2] -le 2; and set y (builtin math $y - 1)
    set -l era (builtin math --scale 0 "floor($y / 400)")
    set -l yoe (builtin math "$y - $era * 400")
    set -l doy (builtin math --scale 0 "floor((153 * (($t[2] + 9) % 12) + 2) / 5) + $t[3] - 1")
    set -l doe (builtin math --scale 0 "$yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + $doy")
    set -l at (builtin math --scale 0 "($era * 146097 + $doe - 719468) * 86400 + $t[4] * 3600 + $t[5] * 60 + $t[6]")
    test $now -ge $at
end

# Per-folder profiles, when AWSP_FOLDERS=1: a file `.awsprofile` (NAME or NAME@REGION) in the
# current folder or one above it switches this shell to NAME, once the user has allowed the
# file (`awsp allow` records its exact content; src/folders.ts), and leaving every such folder
# gives back what was active before. The hook runs when the folder changes (PWD) and once at
# load; it returns at once unless AWSP_FOLDERS=1, and looks for the file with builtins only; a
# process (awk over the names cache, or Node when it is stale) starts only to check the
# profile of a file it is about to obey. Its state, global, set once AWSP_FOLDERS=1 was used:
#   __awsp_folder_file    the file obeyed now ('' for none), __awsp_folder_name its profile
#   __awsp_folder_before  AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWSP_REGION before the
#                         first file was obeyed: `+VALUE`, or `-` for unset
#   __awsp_folder_said    what it has said already (each warning once a shell)
function __awsp_folder_hook --on-variable PWD
    test "$AWSP_FOLDERS" = 1; and __awsp_folder_check moved
    return 0
end

# Looks for the nearest .awsprofile and obeys it if it may; with none, gives back what was
# before. argv[1]: moved (the folder changed), or again (after awsp allow) or denied (after
# awsp deny) with argv[2] the file named: then it looks again at the file obeyed already when it
# is that one (allowing or denying another file leaves a hand switch alone).
function __awsp_folder_check
    # Off means off, also right after awsp allow.
    test "$AWSP_FOLDERS" = 1; or return 0
    # The folders from here up to / (deepest first), and then the nearest .awsprofile, with as
    # few builtin calls as can be (each costs fish more than the work it does, a command
    # substitution most): one string split for the whole path, and `path filter` tests every
    # folder at once (finding no file on almost every cd).
    set -l dirs
    if string match -qr -- '\n|^/?$|^[^/]' "$PWD"
        # /, a relative PWD, or a line break in the path (string split's lines would not do):
        # one level at a time.
        string match -q -- '/*' "$PWD"; or return 0
        set -l IFS ''
        set -l d (string replace -r -- '/$' '' "$PWD")
        while test -n "$d"
            set -a dirs $d
            set d (string replace -r -- '/[^/]*$' '' "$d")
        end
    else
        set -l IFS \n
        for p in (string split -- / "$PWD")[2..-1]
            # The folder below the one added last.
            set -p dirs "$dirs[1]/$p"
        end
    end
    set -a dirs ''
    set -l f ''
    if builtin path filter -q -f -- $dirs/.awsprofile
        for d in $dirs
            if test -f "$d/.awsprofile"
                set f "$d/.awsprofile"
                break
            end
        end
    end
    if test -z "$f"
        test -z "$__awsp_folder_file"; or __awsp_folder_leave
        return 0
    end
    test "$f" != "$__awsp_folder_file"; or begin; test "$argv[1]" != moved; and test "$argv[2]" = "$f"; end; or return 0
    # Unsplit command substitutions from here: a path may hold a line break.
    set -l IFS ''
    # The record, where awsp allow keeps it, trusted as the names cache is (__awsp_where).
    set -l d ''
    if string match -q -- '/*' "$XDG_DATA_HOME"
        set d "$XDG_DATA_HOME/awsp/allow"
    else if string match -q -- '/*' "$HOME"
        set d "$HOME/.local/share/awsp/allow"
    end
    set -l rec "$d/"(string replace -a -- % %25 "$f" | string replace -a -- / %2F)
    set -l r ''
    set -l c ''
    if test -n "$d" -a -d "$d" -a -O "$d" -a ! -k "$d" -a -f "$rec" -a -O "$rec" -a -r "$rec" -a -r "$f"
        # The whole file (up to a NUL, which no allowed file holds), without a fork.
        read -z r <$rec
        read -z c <$f
    end
    if test -z "$r"; or test "$r" != "$c"
        if test -z "$r"
            # (Not right after awsp deny, which has said so.)
            test "$argv[1]" = denied; or __awsp_folder_say n $f 'is not allowed; run: awsp allow'
        else
            __awsp_folder_say c $f 'has changed since it was allowed; run: awsp allow'
        end
        # The file obeyed until now no longer is: what it switched to goes too.
        test "$f" != "$__awsp_folder_file"; or __awsp_folder_leave
        return 0
    end
    set c (string replace -r -- '\n$' '' "$c")
    if test -z "$c"; or string match -qr -- '[\x00-\x1f\x7f]' "$c"
        __awsp_folder_say i $f 'does not hold one line NAME or NAME@REGION'
        return 0
    end
    set -l name $c
    set -l region ''
    # Only a region code after the last @ is a region (`me@corp` is a name), as in src/folders.ts.
    if string match -qr -- '^.+@[a-z]+(-[a-z]+)+-[0-9]+$' "$c"
        set name (string replace -r -- '@[^@]*$' '' "$c")
        set region (string replace -r -- '^.*@' '' "$c")
    end
    set -l sso
    if not set sso (__awsp_known $name)
        __awsp_folder_say u $f "names no profile '$name'"
        return 0
    end
    # An SSO profile: as with awsp NAME, a warning when its session needs a login.
    if test -n "$sso"
        set sso (string split -m 1 -- \t $sso)
        __awsp_sso $sso[1] $sso[2]
    end
    if test -z "$__awsp_folder_file"
        set -g __awsp_folder_before
        for v in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_REGION
            if set -q $v
                set -a __awsp_folder_before "+$$v"
            else
                set -a __awsp_folder_before -
            end
        end
    end
    __awsp_use $name $region
    set -g __awsp_folder_file $f
    set -g __awsp_folder_name $name
end

# Gives back what was active before the first file was obeyed, unless the user has switched
# to another profile since: their choice stands.
function __awsp_folder_leave
    set -l IFS ''
    if set -q AWS_PROFILE; and test "$AWS_PROFILE" = "$__awsp_folder_name"
        __awsp_clear unset
        set -l i 0
        for v in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_REGION
            set i (builtin math $i + 1)
            set -l b -
            set -q __awsp_folder_before[$i]; and set b $__awsp_folder_before[$i]
            if string match -q -- '+*' "$b"
                set -gx $v (string sub -s 2 -- "$b")
            else
                set -e -g $v
            end
        end
    end
    set -g __awsp_folder_file ''
    set -g __awsp_folder_name ''
    set -g __awsp_folder_before
    return 0
end

# Says argv[3] about the file argv[2] on stderr, once a shell for each kind argv[1] of message and file.
function __awsp_folder_say
    builtin contains -- "$argv[1]$argv[2]" $__awsp_folder_said; and return 0
    set -g -a __awsp_folder_said "$argv[1]$argv[2]"
    builtin printf 'awsp: %s %s\n' (__awsp_safe "$argv[2]") "$argv[3]" >&2
end

# TAB completion is in awsp-lazy.fish beside this file, read at the first TAB: a new shell
# parses only what it runs. (`awsp init fish` prints both in one, without this stub.)
# @AWSP_LAZY_BEGIN@
set -l __awsp_here (builtin realpath -- (status filename) 2>/dev/null)
function __awsp_complete -V __awsp_here
    set -l f (string replace -r -- '[^/]*$' awsp-lazy.fish $__awsp_here)
    test -r "$f"; or return 0
    builtin source $f; and __awsp_complete
end
# @AWSP_LAZY_END@


builtin complete -c awsp -f -a '(__awsp_complete)'

# The folder the shell starts in (the hook above runs when the folder changes).
__awsp_folder_hook
