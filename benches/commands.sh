#!/usr/bin/env bash
# Whole-command benchmarks for BENCHMARKS.md: wall time (hyperfine) and peak
# memory (GNU time) of `cargo pin check` and `cargo pin fix`, side by side
# with `cargo metadata --no-deps` on the same tree, on generated workspaces
# of 10/100/400/1,000 members and on the shared corpus when present.
#
#   benches/commands.sh [all|setup|time|memory|corpus|outdated|summary]
#
# Environment (all optional):
#   WORK=/tmp/cargo-pin-bench   scratch space: workspaces, copies, results
#   SIZES="10 100 400 1000"     generated workspace sizes, in members
#   ROUNDS=3 RUNS=5             hyperfine is run ROUNDS times per workspace,
#                               RUNS runs per command each time, so commands
#                               alternate and a burst of load elsewhere on
#                               the machine hits all of them alike
#   CORPUS=/work/shared/corpus  real workspaces (copied before use)
#   SNAPSHOT=/work/shared/registry/index-snapshot.tar.zst  crate names and
#                               versions for the generator (else built-in)
#   CARGO_TARGET_DIR            where to build (default: ./target)
#
# Needs hyperfine, GNU time (/usr/bin/time) and jq:
#   apt-get install -y hyperfine time jq
# Every section can run alone; `summary` only reads what the others wrote.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/cargo-pin-bench}
SIZES=${SIZES:-"10 100 400 1000"}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-5}
CORPUS=${CORPUS:-/work/shared/corpus}
SNAPSHOT=${SNAPSHOT:-/work/shared/registry/index-snapshot.tar.zst}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$CARGO_TARGET_DIR/release
RESULTS=$WORK/results
# The binaries measured, copied at setup: a shared target directory's
# release/cargo-pin can be rebuilt from another branch mid-run.
FROZEN=$WORK/bin
# `cargo pin` runs the cargo-pin first on PATH: this build.
export PATH="$FROZEN:$PATH"
# Never colour, never ask the network.
export NO_COLOR=1 CARGO_NET_OFFLINE=true

need() {
    command -v "$1" >/dev/null || { echo "commands.sh: needs $1 ($2)" >&2; exit 2; }
}

setup() {
    need hyperfine "apt-get install -y hyperfine"
    need jq "apt-get install -y jq"
    [ -x /usr/bin/time ] || { echo "commands.sh: needs GNU time (apt-get install -y time)" >&2; exit 2; }
    (cd "$ROOT" && cargo build --release --locked --bin cargo-pin --example gen-workspace)
    mkdir -p "$FROZEN"
    (cd "$ROOT" && cargo build --release --locked --example registry_server)
    cp "$BIN/cargo-pin" "$BIN/examples/gen-workspace" "$BIN/examples/registry_server" "$FROZEN/"
    git -C "$ROOT" rev-parse --short HEAD >"$FROZEN/commit"
    git -C "$ROOT" diff --quiet || echo "+changes" >>"$FROZEN/commit"
    if [ -e "${CARGO_HOME:-$HOME/.cargo}/bin/cargo-pin" ]; then
        echo "commands.sh: warning: an installed cargo-pin in CARGO_HOME/bin shadows this build for \`cargo pin\`" >&2
    fi
    mkdir -p "$WORK/ws" "$RESULTS"
    local source=(--builtin)
    [ -f "$SNAPSHOT" ] && source=(--snapshot "$SNAPSHOT")
    for n in $SIZES; do
        local ws=$WORK/ws/m$n
        [ -f "$ws/Cargo.lock" ] && continue
        "$FROZEN/gen-workspace" --members "$n" --deps 30 --seed 7 "${source[@]}" --out "$ws" --force
    done
    if [ -d "$CORPUS" ]; then
        mkdir -p "$WORK/corpus"
        for d in "$CORPUS"/*/; do
            local name
            name=$(basename "$d")
            [ -d "$WORK/corpus/$name" ] || cp -a "$d" "$WORK/corpus/$name"
        done
    fi
}

# One workspace: hyperfine in rounds. $1 = label, $2 = workspace directory.
time_workspace() {
    local label=$1 ws=$2 copy=$WORK/copy/$1
    local m=$ws/Cargo.toml
    mkdir -p "$WORK/copy"
    # The workspace's facts, from one untimed run.
    cargo pin check --format json --manifest-path "$m" >"$RESULTS/$label.check.json" || true
    local cmds=(
        -n metadata "cargo metadata --no-deps --format-version 1 --manifest-path $m"
        -n check "cargo pin check --manifest-path $m"
        -n check-json "cargo pin check --format json --manifest-path $m"
    )
    local fix=()
    if [ -f "$ws/Cargo.lock" ]; then
        cmds+=(-n fix-dry-run "cargo pin fix --dry-run --manifest-path $m")
        # fix writes: every run gets a fresh copy, flushed to disk so that
        # its writeback does not compete with the fsyncs being timed.
        fix=(--prepare "sh -c 'rm -rf $copy && cp -a $ws $copy && sync'" -n fix "cargo pin fix --manifest-path $copy/Cargo.toml")
    fi
    for r in $(seq 1 "$ROUNDS"); do
        # check exits 1 on findings: -i keeps it a measurement, not a failure.
        hyperfine -N -i --style basic --warmup 1 --runs "$RUNS" \
            --export-json "$RESULTS/$label.time.$r.json" "${cmds[@]}" >/dev/null
        if [ ${#fix[@]} -gt 0 ]; then
            hyperfine -N -i --style basic --runs "$RUNS" \
                --export-json "$RESULTS/$label.fix.$r.json" "${fix[@]}" >/dev/null
        fi
    done
    rm -rf "$copy"
    echo "timed $label" >&2
}

# Peak resident memory (KB, the highest of 3 runs) of one command.
peak() {
    local max=0 kb
    for _ in 1 2 3; do
        /usr/bin/time -f '%M' -o "$WORK/time.out" "$@" >/dev/null 2>&1 || true
        kb=$(tail -n 1 "$WORK/time.out")
        [ "$kb" -gt "$max" ] && max=$kb
    done
    echo "$max"
}

# Peak memory of one workspace. GNU time reports the highest resident set
# of the command and the children it waited for, so `cargo pin check` is
# also measured with a stand-in cargo that prints a recorded `cargo
# metadata` answer: that number is cargo-pin's own.
memory_workspace() {
    local label=$1 ws=$2 copy=$WORK/copy/$1
    local m=$ws/Cargo.toml
    mkdir -p "$WORK/copy"
    local meta=$WORK/copy/$label.metadata.json
    cargo metadata --no-deps --format-version 1 --manifest-path "$m" >"$meta"
    cat >"$WORK/cached-cargo" <<EOF
#!/bin/sh
# Stands in for cargo: prints a recorded \`cargo metadata\` answer.
exec cat "$meta"
EOF
    chmod +x "$WORK/cached-cargo"
    # The stand-in must not change the answer.
    CARGO=$WORK/cached-cargo cargo-pin pin check --format json --manifest-path "$m" >"$WORK/cached.json" || true
    cmp -s "$WORK/cached.json" "$RESULTS/$label.check.json" ||
        { echo "commands.sh: the recorded metadata changes check's output for $label" >&2; exit 2; }
    local md ck own fx fxown=null
    md=$(peak cargo metadata --no-deps --format-version 1 --manifest-path "$m")
    ck=$(peak cargo-pin pin check --format json --manifest-path "$m")
    own=$(CARGO=$WORK/cached-cargo peak cargo-pin pin check --format json --manifest-path "$m")
    fx=null
    if [ -f "$ws/Cargo.lock" ]; then
        local max=0 kb maxown=0
        for _ in 1 2 3; do
            rm -rf "$copy" && cp -a "$ws" "$copy" && sync
            /usr/bin/time -f '%M' -o "$WORK/time.out" cargo-pin pin fix --manifest-path "$copy/Cargo.toml" >/dev/null 2>&1 || true
            kb=$(tail -n 1 "$WORK/time.out")
            [ "$kb" -gt "$max" ] && max=$kb
            rm -rf "$copy" && cp -a "$ws" "$copy" && sync
            sed "s|$ws|$copy|g" "$meta" >"$meta.copy"
            cat >"$WORK/cached-cargo-copy" <<EOF
#!/bin/sh
exec cat "$meta.copy"
EOF
            chmod +x "$WORK/cached-cargo-copy"
            CARGO=$WORK/cached-cargo-copy /usr/bin/time -f '%M' -o "$WORK/time.out" cargo-pin pin fix --manifest-path "$copy/Cargo.toml" >/dev/null 2>&1 || true
            kb=$(tail -n 1 "$WORK/time.out")
            [ "$kb" -gt "$maxown" ] && maxown=$kb
        done
        fx=$max
        fxown=$maxown
        rm -rf "$copy"
    fi
    printf '{"metadata_kb": %s, "check_kb": %s, "check_own_kb": %s, "fix_kb": %s, "fix_own_kb": %s}\n' \
        "$md" "$ck" "$own" "$fx" "$fxown" >"$RESULTS/$label.memory.json"
    echo "measured memory of $label" >&2
}

machine() {
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
        echo "nproc: $(nproc)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo "memory: $(free -m | awk '/^Mem:/ {print $2 " MB"}')"
        echo "kernel: $(uname -r)"
        echo "toolchain: $(rustc --version), $(cargo --version)"
        echo "hyperfine: $(hyperfine --version)"
        echo "cargo-pin: $(tr '\n' ' ' <"$FROZEN/commit")(release build)"
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    } >"$RESULTS/machine.txt"
}

run_time() {
    machine
    for n in $SIZES; do time_workspace "m$n" "$WORK/ws/m$n"; done
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"
}

run_memory() {
    for n in $SIZES; do memory_workspace "m$n" "$WORK/ws/m$n"; done
}

run_corpus() {
    [ -d "$WORK/corpus" ] || { echo "commands.sh: no corpus at $CORPUS; skipped" >&2; return 0; }
    for d in "$WORK"/corpus/*/; do
        local name
        name=$(basename "$d")
        time_workspace "corpus-$name" "${d%/}"
        memory_workspace "corpus-$name" "${d%/}"
    done
}

# `outdated` against a loopback copy of the index snapshot, cold (empty
# cache) and warm (every index file cached; the registry answers 304 Not
# Modified), beside `cargo upgrade --dry-run` (cargo-edit) and `cargo
# outdated` when they are installed. The index is served on 127.0.0.1.
#
# Every tool gets the same private CARGO_HOME whose config.toml replaces
# crates.io with the loopback registry: cargo reads `.cargo/config.toml`
# from its current directory, not from `--manifest-path`, so a workspace's
# own config would not reach the `cargo metadata` that cargo-edit runs.
# The workspace's `[patch]` entries that follow git are commented out in
# the copy, for every tool alike: with no network cargo would otherwise
# wait on DNS for github.com.
#
# cargo-edit and cargo-outdated run cargo's full `cargo metadata`, which
# downloads every crate; the snapshot has index files, not crates, so that
# step fails here. They get a dead HTTP proxy (NO_PROXY=127.0.0.1: nothing
# leaves loopback) and CARGO_NET_RETRY=${UPGRADE_NET_RETRY:-0}, so the
# failure is immediate and what is timed is their index work: the least
# they could cost. (cargo-pin never runs a full `cargo metadata`.)
#   PIN_OUTDATED    a cargo-pin that has `outdated` (default: this build)
#   CARGO_UPGRADE   cargo-edit's cargo-upgrade (default: on PATH)
#   CARGO_OUTDATED  cargo-outdated (default: on PATH)
#   OUTDATED_WS     the workspace (default: the corpus's nushell)
run_outdated() {
    local pin=${PIN_OUTDATED:-$FROZEN/cargo-pin}
    local ws_src=${OUTDATED_WS:-$CORPUS/nushell}
    "$pin" pin outdated --help >/dev/null 2>&1 ||
        { echo "commands.sh: $pin has no \`outdated\`; skipped (set PIN_OUTDATED)" >&2; return 0; }
    [ -f "$SNAPSHOT" ] && [ -d "$ws_src" ] ||
        { echo "commands.sh: outdated needs $SNAPSHOT and $ws_src; skipped" >&2; return 0; }
    need python3 "apt-get install -y python3"
    local index=$WORK/index ws=$WORK/outdated/ws
    if [ ! -f "$index/config.json" ]; then
        mkdir -p "$index" && zstd -dc "$SNAPSHOT" | tar -x -C "$index"
    fi
    # The server: benches/index-server.py (Last-Modified, keep-alive, no
    # Nagle), or INDEX_SERVER=rust for the project's test server
    # (examples/registry_server.rs, ETag too). The latter answers keep-alive
    # clients in two writes without TCP_NODELAY, and cargo's own HTTP client
    # (cargo-edit, cargo's `Upgrade: h2c` attempt) then stalls for seconds:
    # it would measure the server, not the tools.
    local url server tag=${INDEX_SERVER:-python}
    rm -f "$WORK/index-server.url"
    if [ "$tag" = python ]; then
        rm -f "$WORK/index-server.port"
        python3 "$ROOT/benches/index-server.py" "$index" "$WORK/index-server.port" 2>"$WORK/index-server.log" &
        server=$!
        for _ in $(seq 50); do [ -s "$WORK/index-server.port" ] && break; sleep 0.1; done
        echo "http://127.0.0.1:$(cat "$WORK/index-server.port")/" >"$WORK/index-server.url"
    else
        "$FROZEN/registry_server" "$index" >"$WORK/index-server.url" 2>"$WORK/index-server.log" &
        server=$!
        for _ in $(seq 50); do [ -s "$WORK/index-server.url" ] && break; sleep 0.1; done
    fi
    url=$(head -n 1 "$WORK/index-server.url")
    rm -rf "$ws" && mkdir -p "$(dirname "$ws")" && cp -a "$ws_src" "$ws"
    awk '/^\[/ { p = ($0 ~ /^\[patch\./) }
         p && /^[A-Za-z0-9_-]+ *= *\{.*git *=/ { print "# benches/commands.sh: " $0; next }
         { print }' "$ws_src/Cargo.toml" >"$ws/Cargo.toml"
    local home=$WORK/outdated/cargo-home
    rm -rf "$home" && mkdir -p "$home"
    cat >"$home/config.toml" <<EOF
# benches/commands.sh: the crates.io index snapshot, served on loopback.
[source.crates-io]
replace-with = "snapshot"
[source.snapshot]
registry = "sparse+$url"
EOF
    local m=$ws/Cargo.toml cache=$WORK/outdated/pin-cache
    local upgrade=${CARGO_UPGRADE:-$(command -v cargo-upgrade || true)}
    local outdated=${CARGO_OUTDATED:-$(command -v cargo-outdated || true)}
    local jail="env CARGO_HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 CARGO_NET_RETRY=${UPGRADE_NET_RETRY:-0}"
    [ -n "$upgrade" ] && upgrade="$jail $upgrade"
    [ -n "$outdated" ] && outdated="$jail $outdated"
    (
        unset CARGO_NET_OFFLINE
        export CARGO_HOME=$home CARGO_PIN_CACHE_DIR=$cache
        rm -rf "$cache"
        # Facts: what was asked and answered.
        "$pin" pin outdated --format json --manifest-path "$m" >"$RESULTS/outdated-$tag.pin.json"
        local cold=(--prepare "rm -rf $cache" -n pin-cold "$pin pin outdated --manifest-path $m")
        local warm=(-n pin-warm "$pin pin outdated --manifest-path $m")
        # cargo keeps its index copy in CARGO_HOME/registry: without it, cold.
        if [ -n "$upgrade" ]; then
            rm -rf "$home/registry"
            if $upgrade upgrade --dry-run --manifest-path "$m" >"$RESULTS/outdated-$tag.upgrade.txt" 2>&1; then
                cold+=(--prepare "rm -rf $home/registry" -n upgrade-cold "$upgrade upgrade --dry-run --manifest-path $m")
                warm+=(-n upgrade-warm "$upgrade upgrade --dry-run --manifest-path $m")
            else
                echo "commands.sh: cargo upgrade --dry-run fails here (see $RESULTS/outdated-$tag.upgrade.txt); left out" >&2
                upgrade=
            fi
        fi
        if [ -n "$outdated" ]; then
            rm -rf "$home/registry"
            if $outdated outdated --manifest-path "$m" >"$RESULTS/outdated-$tag.outdated.txt" 2>&1; then
                cold+=(--prepare "rm -rf $home/registry" -n outdated-cold "$outdated outdated --manifest-path $m")
                warm+=(-n outdated-warm "$outdated outdated --manifest-path $m")
            else
                echo "commands.sh: cargo outdated fails here (see $RESULTS/outdated-$tag.outdated.txt); left out" >&2
                outdated=
            fi
        fi
        hyperfine -N -i --style basic --runs "$RUNS" --export-json "$RESULTS/outdated-$tag.cold.json" "${cold[@]}" >/dev/null
        # Fill every cache once, then time revalidation.
        "$pin" pin outdated --manifest-path "$m" >/dev/null
        if [ -n "$upgrade" ]; then $upgrade upgrade --dry-run --manifest-path "$m" >/dev/null 2>&1 || true; fi
        if [ -n "$outdated" ]; then $outdated outdated --manifest-path "$m" >/dev/null 2>&1 || true; fi
        wc -l <"$WORK/index-server.log" >"$WORK/index-server.mark"
        hyperfine -N -i --style basic --warmup 1 --runs "$RUNS" --export-json "$RESULTS/outdated-$tag.warm.json" "${warm[@]}" >/dev/null
    ) || { kill "$server" 2>/dev/null; return 1; }
    # Stop only the server this run started.
    kill "$server" 2>/dev/null || true
    # What the registry answered during the warm runs (the Python server
    # logs each request; the project's server keeps its log in memory).
    if [ "$tag" = python ]; then
        tail -n +"$(($(cat "$WORK/index-server.mark") + 1))" "$WORK/index-server.log" |
            awk '{print $NF}' | sort | uniq -c >"$RESULTS/outdated-$tag.warm-statuses.txt" || true
    fi
    echo "timed outdated" >&2
}

# Median, minimum or CPU time (user + system, mean) in ms of one command
# over every round's runs.
stat() { # $1 = results glob, $2 = command name, $3 = median|min|cpu
    jq -s --arg c "$2" --arg s "$3" '
        if $s == "cpu" then
            [.[].results[] | select(.command == $c) | .user + .system]
            | if length == 0 then null else add / length * 1000 end
        else
        [.[].results[] | select(.command == $c) | .times[]] | sort
        | if length == 0 then null
          elif $s == "min" then .[0] * 1000
          else (if length % 2 == 1 then .[length / 2 | floor]
                else (.[length / 2 - 1] + .[length / 2]) / 2 end) * 1000 end
        end' $1
}

summary() {
    local out=$RESULTS/summary.md
    {
        cat "$RESULTS/machine.txt"
        echo
        echo "Wall time, median over all runs (ratio to \`cargo metadata --no-deps\`; in brackets the ratio of the fastest runs, and of CPU time):"
        echo
        echo "| workspace | members | requirements | locked packages | metadata ms | check ms | check / metadata | check --format json ms | fix --dry-run ms | fix ms | fix / metadata | check µs per requirement |"
        echo "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|"
        local label
        for label in $(labels); do
            local f=$RESULTS/$label.check.json t="$RESULTS/$label.time.*.json" x="$RESULTS/$label.fix.*.json"
            local members reqs locked
            members=$(jq '.summary.manifests - 1' "$f")
            reqs=$(jq '.summary.requirements' "$f")
            locked=$(grep -c '^\[\[package\]\]' "$(ws_dir "$label")/Cargo.lock" 2>/dev/null || true)
            local -a v=()
            local cmd s
            for cmd in metadata check check-json fix-dry-run; do
                for s in median min cpu; do v+=("$(stat "$t" "$cmd" "$s")"); done
            done
            for s in median min cpu; do
                if compgen -G "$x" >/dev/null; then v+=("$(stat "$x" fix "$s")"); else v+=(null); fi
            done
            jq -rn --arg l "$label" --argjson members "$members" --argjson reqs "$reqs" --arg locked "${locked:-0}" \
                --argjson v "[$(IFS=,; echo "${v[*]}")]" '
                def r1: if . == null then "-" else (. * 10 | round / 10 | tostring) end;
                def x: if . == null then "-" else (. * 100 | round / 100 | tostring) + "x" end;
                def ratio(a; b): if a == null or b == null then null else a / b end;
                ($v[0:3]) as $md | ($v[3:6]) as $ck | ($v[6:9]) as $cj | ($v[9:12]) as $fd | ($v[12:15]) as $fx
                | "| \($l) | \($members) | \($reqs) | \($locked) | \($md[0] | r1) | \($ck[0] | r1)"
                  + " | \(ratio($ck[0]; $md[0]) | x) (\(ratio($ck[1]; $md[1]) | x), cpu \(ratio($ck[2]; $md[2]) | x))"
                  + " | \($cj[0] | r1) | \($fd[0] | r1) | \($fx[0] | r1)"
                  + " | \(ratio($fx[0]; $md[0]) | x) (\(ratio($fx[1]; $md[1]) | x), cpu \(ratio($fx[2]; $md[2]) | x))"
                  + " | \(if $ck[0] == null then null else $ck[0] * 1000 / $reqs end | r1) |"'
        done
        echo
        echo "Peak resident memory, MB (highest of 3 runs; \"own\": with \`cargo metadata\` replaced by a recorded answer, so cargo-pin alone):"
        echo
        echo "| workspace | requirements | cargo metadata | check | check (own) | fix | fix (own) | own check KB per requirement |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
        for label in $(labels); do
            [ -f "$RESULTS/$label.memory.json" ] || continue
            jq -r --arg l "$label" --argjson reqs "$(jq '.summary.requirements' "$RESULTS/$label.check.json")" '
                def mb: if . == null then "-" else (. / 1024 * 10 | round / 10 | tostring) end;
                "| \($l) | \($reqs) | \(.metadata_kb | mb) | \(.check_kb | mb) | \(.check_own_kb | mb) | \(.fix_kb | mb) | \(.fix_own_kb | mb) | \(.check_own_kb / $reqs * 100 | round / 100) |"' \
                "$RESULTS/$label.memory.json"
        done
        local tag
        for tag in python rust; do
        [ -f "$RESULTS/outdated-$tag.cold.json" ] || continue
            echo
            echo "\`outdated\` on $(basename "${OUTDATED_WS:-$CORPUS/nushell}") through a loopback registry ($tag server; median ms; speed-up = other tool's time / cargo-pin's):"
            echo
            echo "| command | cold ms | warm ms | cold speed-up | warm speed-up |"
            echo "|---|---:|---:|---:|---:|"
            local pc pw
            pc=$(stat "$RESULTS/outdated-$tag.cold.json" pin-cold median)
            pw=$(stat "$RESULTS/outdated-$tag.warm.json" pin-warm median)
            local tool
            for tool in pin upgrade outdated; do
                local c w
                c=$(stat "$RESULTS/outdated-$tag.cold.json" "$tool-cold" median)
                w=$(stat "$RESULTS/outdated-$tag.warm.json" "$tool-warm" median)
                [ "$c" = null ] && continue
                jq -rn --arg t "$tool" --argjson c "$c" --argjson w "$w" --argjson pc "$pc" --argjson pw "$pw" '
                    def r1: (. * 10 | round / 10 | tostring);
                    def name: {pin: "cargo pin outdated", upgrade: "cargo upgrade --dry-run", outdated: "cargo outdated"}[.];
                    "| \($t | name) | \($c | r1) | \($w | r1) | \(if $t == "pin" then "-" else ($c / $pc | r1) + "x" end) | \(if $t == "pin" then "-" else ($w / $pw | r1) + "x" end) |"'
            done
            if [ -f "$RESULTS/outdated-$tag.warm-statuses.txt" ]; then
                echo
                echo "registry answers during the warm runs (count, status): $(tr -s ' \n' ' ' <"$RESULTS/outdated-$tag.warm-statuses.txt")"
            fi
        done
    } >"$out"
    cat "$out"
}

# Every workspace with results: generated ones by size, then the corpus.
labels() {
    local n f
    for n in $SIZES; do [ -f "$RESULTS/m$n.time.1.json" ] && echo "m$n"; done
    for f in "$RESULTS"/corpus-*.time.1.json; do
        [ -f "$f" ] && basename "$f" .time.1.json
    done
    return 0
}

ws_dir() {
    case $1 in
        corpus-*) echo "$WORK/corpus/${1#corpus-}" ;;
        *) echo "$WORK/ws/$1" ;;
    esac
}

cd "$WORK" 2>/dev/null || { mkdir -p "$WORK" && cd "$WORK"; }
# A neutral directory: rustup picks the toolchain from here, not from a
# workspace's rust-toolchain file.
built() {
    [ -x "$FROZEN/cargo-pin" ] || { echo "commands.sh: no $FROZEN/cargo-pin; run \`benches/commands.sh setup\` first" >&2; exit 2; }
}

case ${1:-all} in
    setup) setup ;;
    time | memory | corpus) built ;;&

    time) run_time ;;
    memory) run_memory ;;
    corpus) run_corpus ;;
    outdated) built && run_outdated ;;
    summary) summary ;;
    all) setup && run_time && run_memory && run_corpus && run_outdated && summary ;;
    *) echo "usage: benches/commands.sh [all|setup|time|memory|corpus|outdated|summary]" >&2; exit 2 ;;
esac
