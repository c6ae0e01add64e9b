#!/bin/sh
# Installs awsp from this checkout: dependencies, build, `awsp` on PATH, and the init line in
# the rc file of each installed shell (bash, zsh, fish), once, between marker comments.
#
#   ./install.sh                  install (safe to run again: it changes only what is missing)
#   ./install.sh --no-modify-rc   do not touch rc files
#   ./install.sh --uninstall      remove exactly what install added
#   ./install.sh --bin-dir DIR    link awsp into DIR instead of npm's global bin (or ~/.local/bin)
#
# POSIX sh, no prompts. It never rewrites an rc file wholesale: it appends one block, and
# --uninstall deletes that block's lines and keeps every other byte. Each step checks its own
# errors, since `main "$@" || exit 1` turns set -e off inside main.

set -eu

BEGIN_MARK='# >>> awsp >>>'
# Used instead when the rc file lacked a final newline, so --uninstall can take that one back too.
BEGIN_MARK_NL='# >>> awsp >>> (after an added newline)'
END_MARK='# <<< awsp <<<'

say() { printf 'awsp install: %s\n' "$*"; }
die() {
    printf 'awsp install: error: %s\n' "$*" >&2
    exit 1
}

check_node() {
    command -v node >/dev/null 2>&1 || die "node is not on PATH; install Node.js 20 or newer"
    command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install Node.js 20 or newer with npm"
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 20 ] || die "Node.js $(node --version) is too old: awsp needs 20 or newer"
}

build() {
    # npm ci only when node_modules is missing or older than the lock file.
    if [ ! -f node_modules/.package-lock.json ] ||
        [ -n "$(find package-lock.json -newer node_modules/.package-lock.json 2>/dev/null)" ]; then
        say "installing dependencies (npm ci)"
        npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null || die "npm ci failed"
    fi
    # Build only when a source is newer than the bundle, or Node is not the one that built it
    # (V8 would refuse the code caches), since a rebuild replaces dist/ under any running awsp.
    if [ ! -f dist/cli.cjs ] || [ "$(cat dist/node-version 2>/dev/null)" != "$(node --version)" ] ||
        [ -n "$(find src scripts shell package.json package-lock.json -newer dist/cli.cjs 2>/dev/null | head -n 1)" ]; then
        say "building"
        npm run --silent build </dev/null >/dev/null || die "the build failed (npm run build)"
    fi
}

# Where to put the `awsp` link: --bin-dir, else npm's global bin when writable, else ~/.local/bin.
pick_bin_dir() {
    if [ -n "$BIN_DIR" ]; then
        printf '%s\n' "$BIN_DIR"
        return
    fi
    prefix=$(npm prefix -g 2>/dev/null || true)
    if [ -n "$prefix" ] && [ -d "$prefix/bin" ] && [ -w "$prefix/bin" ]; then
        printf '%s\n' "$prefix/bin"
    else
        printf '%s\n' "$HOME/.local/bin"
    fi
}

on_path() {
    case ":$PATH:" in
        *":$1:"*) return 0 ;;
        *) return 1 ;;
    esac
}

# Whether $1 is a link that an install of this awsp made (bin/awsp.js in earlier versions), or
# a dangling link to an awsp checkout's bin/awsp.cjs (the checkout moved since).
ours() {
    [ -L "$1" ] || return 1
    # (sh has no local variables: this name is ours alone.)
    ours_target=$(readlink "$1")
    case $ours_target in
        "$ROOT/bin/awsp.cjs" | "$ROOT/bin/awsp.js") return 0 ;;
        */bin/awsp.cjs) [ ! -e "$ours_target" ] ;;
        *) return 1 ;;
    esac
}

link_bin() {
    mkdir -p "$1" || die "cannot create $1"
    target="$ROOT/bin/awsp.cjs"
    if [ -L "$1/awsp" ] && [ "$(readlink "$1/awsp")" = "$target" ]; then
        say "$1/awsp already links to $target"
    elif ours "$1/awsp"; then
        ln -sf "$target" "$1/awsp" || die "cannot link $1/awsp"
        say "relinked $1/awsp -> $target"
    elif [ -e "$1/awsp" ] || [ -L "$1/awsp" ]; then
        die "$1/awsp exists and is not awsp's link; remove it or use --bin-dir"
    else
        ln -s "$target" "$1/awsp" || die "cannot link $1/awsp"
        say "linked $1/awsp -> $target"
    fi
}

# The block for one shell ($3 is its first line): a PATH line when the bin dir is not on PATH
# ($4 = 1: keep the one an earlier block had), then the line that loads the integration. It
# sources the file the build rendered (dist/awsp.*), so a new shell starts no Node; if that
# file is gone (the checkout moved, a rebuild is under way), it asks `awsp init` instead.
# shellcheck disable=SC2016 # the rc file runs $(awsp init), not us
rc_block() {
    printf '%s\n' "$3"
    if ! on_path "$2" || [ "${4:-0}" = 1 ]; then
        path_line "$1" "$2"
    fi
    init=$ROOT/dist/awsp.$1
    case $1 in
        fish) printf 'if test -r %s; source %s; else; awsp init fish | source; end\n' "$(fish_quote "$init")" "$(fish_quote "$init")" ;;
        *) printf 'if [ -r %s ]; then . %s; else eval "$(awsp init %s)"; fi\n' "$(sh_quote "$init")" "$(sh_quote "$init")" "$1" ;;
    esac
    printf '%s\n' "$END_MARK"
}

# shellcheck disable=SC2016 # the rc file expands $PATH, not us
path_line() {
    case $1 in
        fish) printf 'fish_add_path -g %s\n' "$(fish_quote "$2")" ;;
        *) printf 'export PATH=%s:"${PATH}"\n' "$(sh_quote "$2")" ;;
    esac
}

sh_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
fish_quote() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"; }

rc_file() {
    case $1 in
        bash) printf '%s\n' "$HOME/.bashrc" ;;
        zsh) printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc" ;;
        fish) printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/conf.d/awsp.fish" ;;
    esac
}

add_rc() {
    file=$(rc_file "$1")
    if has_block "$file"; then
        update_rc "$1" "$2" "$file"
        return
    fi
    mkdir -p "$(dirname "$file")" || die "cannot create the folder of $file"
    mark=$BEGIN_MARK
    # Start the block on its own line even when the file lacks a final newline.
    if [ -s "$file" ] && ! ends_with_newline "$file"; then
        printf '\n' >>"$file" || die "cannot write $file"
        mark=$BEGIN_MARK_NL
    fi
    rc_block "$1" "$2" "$mark" >>"$file" || die "cannot write $file"
    say "added the awsp init line to $file"
}

# An earlier install's block (an older init line, another checkout) is replaced where it
# stands, through the same inode, every other byte kept; an up-to-date one is left alone.
update_rc() {
    file=$3
    mark=$(awk -v b="$BEGIN_MARK" -v bn="$BEGIN_MARK_NL" '$0 == b || $0 == bn { print; exit }' "$file")
    keep_path=0
    if grep -qxF -e "$(path_line "$1" "$2")" "$file"; then keep_path=1; fi
    tmp="$file.awsp-install.$$"
    new="$file.awsp-block.$$"
    rc_block "$1" "$2" "$mark" "$keep_path" >"$new" || die "cannot write $new"
    nonl=0
    ends_with_newline "$file" || nonl=1
    # The block is replaced only when its end marker follows; without one, nothing is touched.
    if ! awk -v b="$BEGIN_MARK" -v bn="$BEGIN_MARK_NL" -v e="$END_MARK" -v new="$new" -v nonl="$nonl" '
        skip { if ($0 == e) skip = 0; next }
        !done && ($0 == b || $0 == bn) {
            while ((getline line < new) > 0) { if (n++) printf "\n"; printf "%s", line }
            skip = 1; done = 1; next
        }
        { if (n++) printf "\n"; printf "%s", $0 }
        END { if (n && !nonl) printf "\n"; exit (skip ? 3 : 0) }
    ' "$file" >"$tmp"; then
        rm -f "$tmp" "$new"
        say "$file has an awsp block without its end marker ($END_MARK); left it alone"
        return
    fi
    if cmp -s "$tmp" "$file"; then
        say "$file already loads awsp"
    else
        cat "$tmp" >"$file" || die "cannot write $file"
        say "updated the awsp init line in $file"
    fi
    rm -f "$tmp" "$new"
}

has_block() { [ -f "$1" ] && grep -qxF -e "$BEGIN_MARK" -e "$BEGIN_MARK_NL" "$1"; }

ends_with_newline() { [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }

# Fails, saying which file and line, when a block in rc file $1 is broken: a begin marker
# with no end marker before the next begin or the end of the file. Removing "up to the end
# marker" would then take the user's own lines with it.
check_rc() {
    has_block "$1" || return 0
    line=$(awk -v b="$BEGIN_MARK" -v bn="$BEGIN_MARK_NL" -v e="$END_MARK" '
        open && ($0 == b || $0 == bn) { exit }
        $0 == b || $0 == bn { open = 1; at = NR; next }
        open && $0 == e { open = 0 }
        END { if (open) print at }
    ' "$1") || die "cannot read $1"
    [ -z "$line" ] && return 0
    printf 'awsp install: error: %s: line %s opens the awsp block (%s) but no %s closes it; nothing was changed: remove the block by hand\n' \
        "$1" "$line" "$BEGIN_MARK" "$END_MARK" >&2
    return 1
}

remove_rc() {
    file=$(rc_file "$1")
    has_block "$file" || return 0
    nonl=0
    ends_with_newline "$file" || nonl=1
    tmp="$file.awsp-uninstall.$$"
    # Lines are printed with the newline of the previous one, so that the file's last line
    # keeps (or lacks) its newline exactly as before install.
    awk -v b="$BEGIN_MARK" -v bn="$BEGIN_MARK_NL" -v e="$END_MARK" -v nonl="$nonl" '
        skip { if ($0 == e) skip = 0; next }
        $0 == b || $0 == bn { skip = 1; dropnl = ($0 == bn); next }
        { if (n++) printf "\n"; printf "%s", $0; dropnl = 0 }
        END { if (n && !nonl && !dropnl) printf "\n" }
    ' "$file" >"$tmp" || die "cannot read $file"
    # Write back through the same inode (keeps its mode, owner and any symlink), unless
    # nothing but our block was in it, in which case the file goes.
    if [ -s "$tmp" ]; then
        cat "$tmp" >"$file" || die "cannot write $file"
        say "removed the awsp block from $file"
    else
        rm -f "$file"
        say "removed $file"
    fi
    rm -f "$tmp"
}

shells() {
    for s in bash zsh fish; do
        if command -v "$s" >/dev/null 2>&1; then printf '%s\n' "$s"; fi
    done
}

uninstall() {
    # Every rc file checked before anything is removed: a broken block changes nothing at all.
    if [ "$MODIFY_RC" = 1 ]; then
        broken=0
        for s in $(shells); do check_rc "$(rc_file "$s")" || broken=1; done
        [ "$broken" = 0 ] || exit 1
    fi
    bin_dir=$(pick_bin_dir)
    for d in "$bin_dir" "$HOME/.local/bin"; do
        if ours "$d/awsp"; then
            rm -f "$d/awsp"
            say "removed $d/awsp"
        fi
    done
    if [ "$MODIFY_RC" = 1 ]; then
        for s in $(shells); do remove_rc "$s"; done
    fi
    say "done; open a new shell"
}

install() {
    check_node
    build
    bin_dir=$(pick_bin_dir)
    link_bin "$bin_dir"
    if [ "$MODIFY_RC" = 1 ]; then
        for s in $(shells); do add_rc "$s" "$bin_dir"; done
    else
        say "rc files left alone (--no-modify-rc); load awsp with: . $ROOT/dist/awsp.bash (or: eval \"\$(awsp init bash)\")"
    fi
    say "done; open a new shell and run: awsp <profile>"
}

main() {
    ROOT=$(cd "$(dirname "$0")" && pwd -P)
    MODIFY_RC=1
    ACTION=install
    BIN_DIR=''
    while [ $# -gt 0 ]; do
        case $1 in
            --uninstall) ACTION=uninstall ;;
            --no-modify-rc) MODIFY_RC=0 ;;
            --bin-dir)
                [ $# -ge 2 ] || die "--bin-dir needs a directory"
                BIN_DIR=$2
                shift
                ;;
            -h | --help)
                sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
                return 0
                ;;
            *) die "unknown option: $1 (see --help)" ;;
        esac
        shift
    done
    cd "$ROOT"
    "$ACTION"
}

main "$@" || exit 1
