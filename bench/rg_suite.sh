#!/usr/bin/env bash
# Runs ripgrep 15.2.0's own integration test suite against pgrep-lite
# (issue 13) and prints "N passed, M failed".
#
# The ripgrep crate published on crates.io ships its integration tests
# (tests/*.rs, tests/data/). Their helper (tests/util.rs, Dir::bin) runs
# `<directory of the test executable>/../rg`, so this script hard-links the
# built test executable into target/rg-suite/run-*/deps/ and puts a symlink
# named `rg` next to that deps/ directory, pointing at the binary under test.
# (CARGO_BIN_EXE_rg is set as well, but ripgrep 15.2.0's helper does not
# read it.)
#
# Everything lives under target/rg-suite/ (crate copy, its own cargo target
# dirs, logs); the suite is built once and cargo's cache makes reruns quick.
set -euo pipefail

RG_VERSION=15.2.0

usage() {
    cat <<'EOF'
usage: bench/rg_suite.sh [OPTIONS] [-- TEST-BINARY-ARGS...]

Builds ripgrep 15.2.0's integration tests (once, cached under target/rg-suite/)
and runs them against pgrep-lite; prints "N passed, M failed".

options:
  --bin PATH        run the suite against PATH instead of building
                    `cargo build --release --locked --bin pgrep-lite`
  --against-rg      run the suite against the real rg built with the suite
                    (sanity check: 332 of 332 with default features)
  --pcre2           build and run the suite with ripgrep's `pcre2` feature
                    (needs a C compiler; ripgrep's PCRE2 tests are included)
  --list-failures   also print the names of the failing tests, one a line
  --test-threads N  libtest threads (default 2)
  -h, --help        this text

Arguments after `--` go to the test binary (e.g. a test-name filter).
The full libtest log is written to target/rg-suite/last.log.
Exit status: 0 if every test passed, 1 if some failed, 2 on a harness error.
EOF
}

die() {
    echo "error: $*" >&2
    exit 2
}

against_rg=0
pcre2=0
list_failures=0
bin=""
threads=2
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --bin)
        [ $# -ge 2 ] || die "--bin needs a path"
        bin="$2"
        shift 2
        ;;
    --bin=*)
        bin="${1#--bin=}"
        shift
        ;;
    --against-rg)
        against_rg=1
        shift
        ;;
    --pcre2)
        pcre2=1
        shift
        ;;
    --list-failures)
        list_failures=1
        shift
        ;;
    --test-threads)
        [ $# -ge 2 ] || die "--test-threads needs a number"
        threads="$2"
        shift 2
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    --)
        shift
        extra=("$@")
        break
        ;;
    *)
        usage >&2
        die "unknown argument: $1"
        ;;
    esac
done
[ "$against_rg" = 1 ] && [ -n "$bin" ] && die "--bin and --against-rg exclude each other"
case "$threads" in
'' | *[!0-9]*) die "--test-threads needs a number, got '$threads'" ;;
esac

command -v cargo >/dev/null || die "cargo not found"
command -v python3 >/dev/null || die "python3 not found (used to read cargo's JSON output)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/target/rg-suite"
mkdir -p "$work"

# Prints the `executable` of the artifact whose target name is $1 and whose
# target kinds include $2, from cargo's JSON messages on stdin.
artifact_exe() {
    python3 -c '
import json, sys
name, kind = sys.argv[1], sys.argv[2]
found = None
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") != "compiler-artifact":
        continue
    target = msg.get("target", {})
    if target.get("name") == name and kind in target.get("kind", []) and msg.get("executable"):
        found = msg["executable"]
if found is None:
    sys.exit(1)
print(found)
' "$1" "$2"
}

# 1. Get the ripgrep crate source through cargo (a throwaway project that
# depends on it; `cargo fetch` downloads it unless it is already cached).
fetch_dir="$work/fetch"
mkdir -p "$fetch_dir/src"
cat >"$fetch_dir/Cargo.toml" <<EOF
[package]
name = "rg-suite-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ripgrep = "=$RG_VERSION"

[workspace]
EOF
: >"$fetch_dir/src/lib.rs"
echo "rg-suite: fetching ripgrep $RG_VERSION through cargo" >&2
cargo fetch --manifest-path "$fetch_dir/Cargo.toml" 2>"$work/fetch.log" ||
    die "cargo fetch of ripgrep $RG_VERSION failed (see $work/fetch.log)"
# cargo metadata leaves out a dependency without a lib target (ripgrep has
# none), so find the unpacked source, or the downloaded .crate, in cargo's home.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
src=""
for d in "$cargo_home"/registry/src/*/"ripgrep-$RG_VERSION"; do
    [ -f "$d/tests/tests.rs" ] && src="$d" && break
done
if [ -z "$src" ]; then
    for f in "$cargo_home"/registry/cache/*/"ripgrep-$RG_VERSION.crate"; do
        [ -f "$f" ] || continue
        rm -rf "$work/unpacked"
        mkdir -p "$work/unpacked"
        tar -xzf "$f" -C "$work/unpacked" || die "could not unpack $f"
        src="$work/unpacked/ripgrep-$RG_VERSION"
        break
    done
fi
[ -n "$src" ] || die "ripgrep $RG_VERSION not found under $cargo_home/registry after cargo fetch (see $work/fetch.log)"
[ -f "$src/tests/tests.rs" ] || die "$src has no tests/tests.rs"

# Copy it (never touch cargo's registry copy). The copy lives inside this
# repository's tree, so give it an empty [workspace] of its own.
crate="$work/ripgrep-$RG_VERSION"
if [ ! -f "$crate/.rg-suite-copied" ]; then
    rm -rf "$crate"
    cp -R "$src" "$crate"
    chmod -R u+w "$crate"
    grep -q '^\[workspace\]' "$crate/Cargo.toml" || printf '\n[workspace]\n' >>"$crate/Cargo.toml"
    touch "$crate/.rg-suite-copied"
fi

# 2. Build the integration tests (and ripgrep's own rg), cached.
if [ "$pcre2" = 1 ]; then
    flavor=pcre2
    features=(--features pcre2)
else
    flavor=default
    features=()
fi
build_dir="$work/build-$flavor"
build_json="$work/build-$flavor.json"
build_log="$work/build-$flavor.log"
echo "rg-suite: building ripgrep $RG_VERSION integration tests ($flavor features; cached in $build_dir)" >&2
# GIT_CEILING_DIRECTORIES: ripgrep's build.rs puts `git rev-parse HEAD` into
# `rg --version`; keep it from picking up this repository's commit.
if ! (cd "$crate" && CARGO_TARGET_DIR="$build_dir" GIT_CEILING_DIRECTORIES="$work" nice -n 10 \
    cargo test --locked --no-run --test integration "${features[@]}" \
    --message-format=json-render-diagnostics >"$build_json" 2>"$build_log"); then
    tail -n 20 "$build_log" >&2
    if [ "$pcre2" = 1 ]; then
        die "building ripgrep's suite with --features pcre2 failed (it needs a C compiler for PCRE2); see $build_log"
    fi
    die "building ripgrep's suite failed; see $build_log"
fi
test_exe="$(artifact_exe integration test <"$build_json")" || die "no integration test executable in $build_json"
real_rg="$(artifact_exe rg bin <"$build_json")" || die "no rg executable in $build_json"

# 3. The binary under test.
if [ "$against_rg" = 1 ]; then
    target_bin="$real_rg"
    what="rg $RG_VERSION ($flavor features)"
elif [ -n "$bin" ]; then
    [ -x "$bin" ] || die "--bin $bin: not an executable file"
    target_bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
    what="$target_bin"
else
    echo "rg-suite: building pgrep-lite (release)" >&2
    pl_json="$work/pgrep-lite-build.json"
    (cd "$root" && cargo build --release --locked --bin pgrep-lite \
        --message-format=json-render-diagnostics >"$pl_json" 2>"$work/pgrep-lite-build.log") ||
        die "cargo build --release --bin pgrep-lite failed; see $work/pgrep-lite-build.log"
    target_bin="$(artifact_exe pgrep-lite bin <"$pl_json")" || die "no pgrep-lite executable in $pl_json"
    what="pgrep-lite ($target_bin)"
fi

# The suite runs <test exe dir>/../rg: lay that out.
run_dir="$work/run-$flavor"
mkdir -p "$run_dir/deps"
ln -f "$test_exe" "$run_dir/deps/integration" 2>/dev/null || cp -f "$test_exe" "$run_dir/deps/integration"
ln -sfn "$target_bin" "$run_dir/rg"

# 4. Run it and summarize.
log="$work/last.log"
echo "rg-suite: running ripgrep $RG_VERSION's suite against $what" >&2
set +e
(cd "$crate" && CARGO_BIN_EXE_rg="$run_dir/rg" "$run_dir/deps/integration" \
    --test-threads "$threads" ${extra[@]+"${extra[@]}"}) >"$log" 2>&1
set -e
summary="$(grep -a -E '^test result: ' "$log" | tail -n 1 || true)"
[ -n "$summary" ] || die "no libtest summary line in $log (did the test binary crash?)"
passed="$(sed -E 's/.* ([0-9]+) passed;.*/\1/' <<<"$summary")"
failed="$(sed -E 's/.* ([0-9]+) failed;.*/\1/' <<<"$summary")"
echo "$passed passed, $failed failed"
if [ "$list_failures" = 1 ]; then
    sed -n -E 's/^test (.*) \.\.\. FAILED$/\1/p' "$log" | sort
fi
echo "rg-suite: full log in $log" >&2
[ "$failed" = 0 ] || exit 1
