#!/usr/bin/env python3
"""Accuracy of pimports --unused-deps, cargo-machete and cargo-shear against the compiler.

The truth is rustc's own verdict, as nightly cargo reports it: `cargo +nightly check
-Zcargo-lints` with `[lints.cargo] unused_dependencies = "warn"` warns about every normal
or build dependency that no compiled unit of the package used, and hides the unused ones
that another dependency of the same unit also depends on (it cannot tell whether they are
kept to enable a feature of that crate). `CARGO_LOG=cargo::core::compiler::unused_deps=debug`
names those. Truth "unused" = the lint's warnings plus the hidden ones.

Crates: the fixed list bench/imports_accuracy_crates.txt: 94 crates produced by `--select
--max-graph 70` with the rule below, plus 7 crates named by hand at its end (the ones where issue 14 saw
pimports misjudge a dependency: borsh, cranelift-entity, mio, serde_urlencoded,
tracing-subscriber, uuid, wasmtime-environ). The rule: every top-level crate of the vendored corpus (~/.cache/pfiles-corpora/rust, a
`cargo vendor` of ~400 crates) that declares at least --min-entries (5) normal or build
dependency entries (target-specific tables included; std-build shims and `cfg(any())` pins
not counted) and whose build graph with all features on this host (packages reachable from
the crate through normal and build edges, `cargo metadata --all-features --filter-platform
HOST` on a fresh lockfile) holds at most --max-graph packages; sorted by name. The size
bound keeps a cold run near 30 minutes on 2 cores; it drops the rust-analyzer, wasmtime and
cranelift giants (their dependency lists are judged through their smaller siblings).

Per crate:
 1. Copy it to WORK/copies/NAME (the corpus is never modified). In the copy: remove
    .cargo-checksum.json and Cargo.lock (versions are resolved afresh from crates.io), remove
    `rust-version` (nightly cargo's lint is silent for packages whose rust-version is below
    1.79, its MSRV) and any rust-toolchain file (rustup would ask for a toolchain that is
    not installed when the tools run cargo), append `[lints.cargo] unused_dependencies = "warn"` and an empty
    `[workspace]` (so a parent directory's workspace never claims the copy).
 2. `cargo +nightly check -Zcargo-lints --all-features` (lib and bins, the units that judge
    normal and build dependencies); if that fails, again with default features. Which one
    built is recorded; a crate that builds with neither is skipped and listed with the error.
 3. Parse stderr (verified on cargo 1.97.0-nightly 2026-05-15, whose
    src/cargo/core/compiler/unused_deps.rs emits both):
    - the lint, one report per manifest entry:
          warning: unused dependency
           --> Cargo.toml:8:1
      LINE:COL is the span of the entry's key: the `x = ...` line, or the
      `[dependencies.x]` / `[target.'cfg(..)'.dependencies.x]` header in the normalized
      manifests of packaged crates. LINE is mapped back to (key, kind) by reading the
      manifest's table headers. Other cargo lints (redundant_homepage, ...) are ignored.
    - the hidden ones, one debug line per unused extern that cargo did not report because
      another dependency of the unit depends on the same crate:
          20.02s DEBUG emit_unused_warnings: cargo::core::compiler::unused_deps: pkg t
          v0.1.0 (Normal): ignoring unused extern `memchr`, may be activating features
      (one line). Only reason "may be activating features" counts ("lint is allowed",
      "untracked dependent", "outstanding units" are not verdicts). EXT is the extern
      crate name; it is mapped to the manifest key with `cargo metadata` (the root's resolve
      node gives extern name -> package; the root's dependency list gives package + rename
      -> key).
 4. Judged: the normal and build entries (key, kind) that were built in that configuration
    (present in the root's resolve node for this host and feature set). Dev-dependencies
    are never judged (the lint does not judge them for `cargo check`). Left out, each with
    its reason, by these rules:
    - not built: an optional dependency not enabled, or a target table whose cfg does not
      match this host, or a `cfg(any())` version pin;
    - std-build shim: rustc-std-workspace-*, compiler_builtins;
    - feature forwarding: the compiler saw no use and `[features]` names `key/feat` or
      `key?/feat` (the entry exists to forward a feature);
    - links metadata: the compiler saw no use, the dependency's package declares `links =
      "x"` and the crate's build script reads `DEP_X_*`, which only a direct dependency
      provides (native-tls -> openssl-sys): the lint is wrong;
    - native link: the compiler saw no use in Rust code, and the dependency's build script
      emits `rustc-link-lib`/`rustc-link-search` (windows-targets' import-library crates):
      a link-time use the lint cannot see;
    - cfg-gated use: the compiler saw no use, but the crate's own sources (outside tests/,
      benches/, examples/) name the dependency, and every mention lies under a cfg: the
      `#[cfg(..)]` attributes of the line's item and of each enclosing block (found by brace
      matching), `cfg_if!` blocks and `cfg_select!` arms, the cfg of its file's `mod`
      declaration (attribute or enclosing block), an inner
      `#![cfg(..)]` of its file or of the crate root; and at least one of those cfgs is not
      `test` (`#[test]`/`#[bench]` fns count as cfg(test)). Another target or feature set
      would use it: not actionable. A dependency named only under cfg(test) stays judged
      (it belongs in dev-dependencies).
 5. Run each tool on the same copy: `pimports --unused-deps .` (lines "unused normal|build
    dependency: X" and "misplaced: X is a normal dependency ..."; unused and misplaced both
    count as "not needed as a normal dependency"), `cargo-machete .` (tab-indented names
    under "NAME -- PATH:"), `cargo shear --format json` (findings `shear/unused_dependency`
    and `shear/misplaced_dependency`, located by byte offset in the manifest and mapped to
    (key, kind) like the lint's line). Names that a tool gives without a kind (machete)
    count for every judged normal/build entry of that key. A tool that fails on a crate,
    or reports findings (exit 1) that the parser cannot read, is listed under "Tool
    errors".
 6. Compare on the judged set: true positive = tool and compiler say not needed; false
    positive = tool says not needed, compiler saw a use; false negative = compiler saw no
    use, tool says nothing. Every disagreement is printed with a reason found by rules where
    one applies (lib name != key, used only under cfg(test) or only from tests/,
    inside a macro_rules! body, through a derive, hidden by cargo). The tools' verdicts on
    the left-out entries are printed too.

Caches: the verdict of the compiler per (crate, version, features tried, cargo version) in
WORK/verdicts.json; the copies in WORK/copies; the builds share one CARGO_TARGET_DIR
(--build-dir), default WORK/cargo-target; WORK defaults to target/imports-accuracy of
the repository. A re-run rebuilds nothing and only re-runs the three tools. Compiler logs:
WORK/logs/NAME.FEATURES.log.

Usage: bench/imports_accuracy.py [--crates N] [--only NAME[,NAME]] [--bin PATH] [--jobs N]
         [--work DIR] [--build-dir DIR] [--corpus DIR] [--markdown] [--json FILE]
       bench/imports_accuracy.py --select [--min-entries N] [--max-graph N]  (rewrites the list)
Requires: nightly cargo (`cargo +nightly`), cargo-machete, cargo-shear, network access to
crates.io (or a warm ~/.cargo registry cache).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LIST = os.path.join(HERE, "imports_accuracy_crates.txt")
KINDS = {None: "normal", "build": "build", "dev": "dev"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SHIMS = ("rustc-std-workspace-",)
SHIM_NAMES = {"compiler_builtins"}
CACHE_FORMAT = 2  # bump when a verdict records more fields
HIDDEN = re.compile(
    r"pkg (\S+) v(\S+) \((Normal|Build|Development)\): ignoring unused extern `([^`]+)`, (.*)$"
)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, cwd, env=None, timeout=1800):
    e = dict(os.environ)
    e.update(env or {})
    t = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - t
    except subprocess.TimeoutExpired:
        return -1, "", f"timeout after {timeout}s", time.monotonic() - t


def host_triple():
    out = subprocess.run(["rustc", "+nightly", "-vV"], capture_output=True, text=True).stdout
    return re.search(r"^host: (\S+)", out, re.M).group(1)


def cargo_version():
    return subprocess.run(
        ["cargo", "+nightly", "--version"], capture_output=True, text=True
    ).stdout.strip()


def tool_version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "missing"


def installed_version(crate):
    """`cargo install --list` knows the version of an installed tool (cargo-shear built from
    crates.io prints "Version: dev")."""
    out = subprocess.run(["cargo", "install", "--list"], capture_output=True, text=True).stdout
    m = re.search(r"^%s v(\S+):" % re.escape(crate), out, re.M)
    return "%s %s" % (crate, m.group(1)) if m else ""


# ---------------------------------------------------------------- the copy


def prepare(corpus, work, name):
    """Copy corpus/NAME to WORK/copies/NAME once, made buildable and linted (see docstring)."""
    src = os.path.join(corpus, name)
    dst = os.path.join(work, "copies", name)
    stamp = os.path.join(dst, ".accuracy-copy")
    if os.path.exists(stamp):
        return dst
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)
    # rust-toolchain files would make rustup pick a toolchain that may not be installed
    for f in (".cargo-checksum.json", "Cargo.lock", "rust-toolchain", "rust-toolchain.toml"):
        p = os.path.join(dst, f)
        if os.path.lexists(p):
            os.remove(p)
    manifest = os.path.join(dst, "Cargo.toml")
    with open(manifest) as f:
        text = f.read()
    lines, section = [], None
    for line in text.splitlines():
        h = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if h:
            section = h.group(1).strip()
        if section == "package" and re.match(r"^\s*rust-version\s*=", line):
            continue
        lines.append(line)
    text = "\n".join(lines) + "\n"
    text = set_lint(text)
    if not re.search(r"^\[workspace\]\s*$", text, re.M):
        text += "\n[workspace]\n"
    with open(manifest, "w") as f:
        f.write(text)
    open(stamp, "w").close()
    return dst


def set_lint(text):
    """Set `unused_dependencies = "warn"` in [lints.cargo] (replacing a level already set)."""
    out, section, done = [], None, False
    for line in text.splitlines():
        h = re.match(r"^\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if h:
            section = h.group(1).replace(" ", "")
            out.append(line)
            if section == "lints.cargo":
                out.append('unused_dependencies = "warn"')
                done = True
            continue
        if section == "lints.cargo" and re.match(r"^\s*unused_dependencies\s*=", line):
            continue
        if section == "lints" and re.match(r"^\s*cargo\s*=", line):
            raise RuntimeError("inline [lints] cargo table: not handled")
        out.append(line)
    if not done:
        out += ["", "[lints.cargo]", 'unused_dependencies = "warn"']
    return "\n".join(out) + "\n"


def manifest_line_map(path):
    """Line number (1-based) -> (key, kind) for dependency entries of a manifest."""
    out, section = {}, None
    with open(path) as f:
        for no, line in enumerate(f, 1):
            h = re.match(r"^\s*\[([^\]]+)\]\s*(#.*)?$", line)
            if h:
                section = split_dotted(h.group(1))
                kind, key = dep_table(section)
                if kind and key:
                    out[no] = (key, kind)
                continue
            if section is None:
                continue
            kind, key = dep_table(section)
            if kind and key is None:
                m = re.match(r'^\s*("[^"]+"|\'[^\']+\'|[A-Za-z0-9_-]+)\s*[.=]', line)
                if m:
                    out[no] = (m.group(1).strip("\"'"), kind)
    return out


def split_dotted(s):
    parts, cur, quote = [], "", None
    for ch in s.strip():
        if quote:
            if ch == quote:
                quote = None
            else:
                cur += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return parts


def dep_table(parts):
    """(kind, key or None) when the header names a dependency table or entry."""
    if parts and parts[0] == "target" and len(parts) >= 3:
        parts = parts[2:]
    if not parts:
        return None, None
    kind = {
        "dependencies": "normal",
        "build-dependencies": "build",
        "build_dependencies": "build",
        "dev-dependencies": "dev",
        "dev_dependencies": "dev",
    }.get(parts[0])
    if not kind:
        return None, None
    return kind, (parts[1] if len(parts) > 1 else None)


# ---------------------------------------------------------------- the compiler's verdict


def metadata(copy, features, host):
    cmd = ["cargo", "+nightly", "metadata", "--format-version", "1", "--filter-platform", host]
    if features == "all":
        cmd.append("--all-features")
    rc, out, err, _ = run(cmd, copy)
    if rc != 0:
        raise RuntimeError("cargo metadata failed: " + last_error(err))
    return json.loads(out)


def last_error(err):
    lines = [ANSI.sub("", l) for l in err.splitlines()]
    errs = [i for i, l in enumerate(lines) if l.startswith("error")]
    if not errs:
        return (lines[-1] if lines else "").strip()[:300]
    i = errs[0]
    return " | ".join(l.strip() for l in lines[i : i + 4] if l.strip())[:400]


def entries_of(meta):
    """The root's normal/build entries: key -> info, with built externs for this config."""
    root_id = meta["resolve"]["root"]
    pkgs = {p["id"]: p for p in meta["packages"]}
    root = pkgs[root_id]
    node = next(n for n in meta["resolve"]["nodes"] if n["id"] == root_id)
    entries = {}
    for d in root["dependencies"]:
        kind = KINDS.get(d.get("kind"))
        key = d.get("rename") or d["name"]
        e = entries.setdefault(
            (key, kind),
            {"package": d["name"], "targets": [], "optional": False, "extern": None,
             "built": False},
        )
        e["targets"].append(d.get("target"))
        e["optional"] = e["optional"] or d.get("optional", False)
    for rd in node["deps"]:
        pkg = pkgs[rd["pkg"]]
        for dk in rd["dep_kinds"]:
            kind = KINDS.get(dk.get("kind"))
            for (key, k), e in entries.items():
                if k != kind or e["package"] != pkg["name"]:
                    continue
                if key != pkg["name"] and key.replace("-", "_") != rd["name"]:
                    continue
                if key == pkg["name"] and not any(
                    d.get("rename") is None and d["name"] == key for d in root["dependencies"]
                ):
                    continue
                e["built"] = True
                e["extern"] = rd["name"]
                e["links"] = pkg.get("links")
                e["native_link"] = emits_link_directives(pkg)
    graph = build_graph_size(meta)
    return root, entries, graph


def emits_link_directives(pkg):
    """Whether the package's build script emits `rustc-link-lib`/`rustc-link-search`: a
    crate that exists to link a native library, whose use no Rust path shows."""
    for t in pkg.get("targets", []):
        if "custom-build" in t.get("kind", []):
            try:
                with open(t["src_path"], errors="replace") as f:
                    text = f.read()
            except OSError:
                return False
            return bool(re.search(r"rustc-link-(lib|search)", text))
    return False


def build_graph_size(meta):
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    seen, todo = set(), [meta["resolve"]["root"]]
    while todo:
        i = todo.pop()
        if i in seen:
            continue
        seen.add(i)
        for d in nodes[i]["deps"]:
            if i == meta["resolve"]["root"] and all(k.get("kind") == "dev" for k in d["dep_kinds"]):
                continue
            todo.append(d["pkg"])
    return len(seen)


def compiler_verdict(copy, host, build_dir, jobs):
    """Build with all features, else default; return the verdict dict (cached by caller)."""
    attempts = []
    for features in ("all", "default"):
        cmd = ["cargo", "+nightly", "check", "-Zcargo-lints", "-j", str(jobs)]
        if features == "all":
            cmd.append("--all-features")
        env = {
            "CARGO_TARGET_DIR": build_dir,
            "CARGO_LOG": "cargo::core::compiler::unused_deps=debug",
            "CARGO_TERM_COLOR": "never",
        }
        lock = os.path.join(copy, "Cargo.lock")
        if os.path.exists(lock):
            os.remove(lock)
        rc, _, err, secs = run(cmd, copy, env)
        logdir = os.path.join(os.path.dirname(os.path.dirname(copy)), "logs")
        os.makedirs(logdir, exist_ok=True)
        with open(os.path.join(logdir, "%s.%s.log" % (os.path.basename(copy), features)),
                  "w") as f:
            f.write(err)
        attempts.append({"features": features, "rc": rc, "secs": round(secs, 1),
                         "error": last_error(err) if rc else ""})
        if rc == 0:
            break
    else:
        return {"ok": False, "attempts": attempts}
    meta = metadata(copy, features, host)
    root, entries, graph = entries_of(meta)
    linemap = manifest_line_map(os.path.join(copy, "Cargo.toml"))
    lint, hidden, lines = set(), set(), [ANSI.sub("", l) for l in err.splitlines()]
    for i, line in enumerate(lines):
        if re.match(r"^(warning|error): unused dependency\s*$", line):
            for nxt in lines[i + 1 : i + 4]:
                m = re.match(r"^\s*--> (\S+?):(\d+):(\d+)", nxt)
                if m:
                    ent = linemap.get(int(m.group(2)))
                    if ent is None:
                        raise RuntimeError(f"lint points at line {m.group(2)}, no dependency there")
                    lint.add(ent)
                    break
        m = HIDDEN.search(line)
        if m and m.group(1) == root["name"] and m.group(5).startswith(
            "may be activating features"
        ):
            kind = {"Normal": "normal", "Build": "build", "Development": "dev"}[m.group(3)]
            ext = m.group(4)
            keys = [k for (k, kd), e in entries.items() if kd == kind and e["extern"] == ext]
            for k in keys:
                hidden.add((k, kind))
    return {
        "ok": True,
        "features": features,
        "attempts": attempts,
        "version": root["version"],
        "graph": graph,
        "entries": [
            {"key": k, "kind": kd, **e} for (k, kd), e in sorted(entries.items())
        ],
        "lint": sorted(lint),
        "hidden": sorted(hidden),
        "feature_table": root.get("features", {}),
    }


# ---------------------------------------------------------------- exclusions


def rs_files(copy):
    for dirpath, dirnames, filenames in os.walk(copy):
        rel = os.path.relpath(dirpath, copy)
        top = rel.split(os.sep)[0]
        if rel != "." and (top in ("target", "tests", "benches", "examples") or top.startswith(".")):
            dirnames[:] = []
            continue
        for f in filenames:
            if f.endswith(".rs"):
                yield os.path.join(dirpath, f)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//.*", "", text)


def is_build_script(copy, path):
    rel = os.path.relpath(path, copy)
    return rel == "build.rs" or rel.split(os.sep)[0] == "build"


def references(copy, ext, kind=None):
    """(file, line number, cfg attribute governing it or None) for each mention of EXT.
    With KIND, only the code that can see a dependency of that kind: a build
    dependency only from the build script, a normal one never from it."""
    pat = re.compile(
        r"(?<![\w:])(?:::)?%s\s*::|\bextern\s+crate\s+%s\b|\buse\s+%s\b|\$crate::%s\b"
        % ((re.escape(ext),) * 4)
    )
    modcfg = module_cfgs(copy)
    out = []
    for path in rs_files(copy):
        if kind is not None and (kind == "build") != is_build_script(copy, path):
            continue
        try:
            with open(path, errors="replace") as f:
                lines = strip_comments(f.read()).splitlines()
        except OSError:
            continue
        for i, line in enumerate(lines):
            if pat.search(line):
                cfgs = [c for c in (governing_cfg(lines, i), modcfg.get(path)) if c]
                out.append((os.path.relpath(path, copy), i + 1, "; ".join(cfgs) or None))
    return out


CFG_ATTR = re.compile(r"#\s*!?\[\s*cfg\s*\((.*)\)\s*\]")


def attrs_cfgs(lines, j):
    """cfg(..) attributes on line j itself and on the attribute lines right above it."""
    out = attr_cfgs_on(lines[j])
    k = j - 1
    while k >= 0 and lines[k].strip().startswith("#"):
        out += attr_cfgs_on(lines[k])
        k -= 1
    return out


def attr_cfgs_on(line):
    """cfg(..) attributes of one line; `#[test]` (and `#[tokio::test]`, `#[bench]`) count
    as cfg(test): the item is compiled only for tests."""
    out = [m.group(1) for m in CFG_ATTR.finditer(line)]
    if re.search(r"#\[\s*(\w+::)?(test|bench)\s*[\](]", line):
        out.append("test")
    return out


def dev_references(copy, ext):
    """The first mention of EXT under tests/, benches/ or examples/ (or None)."""
    pat = re.compile(r"(?<![\w:])(?:::)?%s\s*::|\buse\s+%s\b" % (re.escape(ext), re.escape(ext)))
    for top in ("tests", "benches", "examples"):
        for dirpath, _, filenames in os.walk(os.path.join(copy, top)):
            for f in sorted(filenames):
                if not f.endswith(".rs"):
                    continue
                path = os.path.join(dirpath, f)
                try:
                    with open(path, errors="replace") as fh:
                        lines = strip_comments(fh.read()).splitlines()
                except OSError:
                    continue
                for i, line in enumerate(lines):
                    if pat.search(line):
                        return os.path.relpath(path, copy), i + 1
    return None


def governing_cfg(lines, i):
    """The cfgs that govern line i: its own attributes, then those of each enclosing block
    (found by brace matching upwards; a `cfg_if!` block, and a `cfg_select!` arm other than
    `_`, count as a cfg). A heuristic on
    comment-stripped text; returns the cfgs joined, or None."""
    cfgs = attrs_cfgs(lines, i)
    depth = 0
    for j in range(i - 1, -1, -1):
        line = lines[j]
        depth += line.count("}") - line.count("{")
        if depth < 0:
            cfgs += attrs_cfgs(lines, j)
            if re.search(r"\bcfg_if\s*!", line):
                cfgs.append("cfg_if!")
            arm = re.match(r"^\s*([^={}]+?)\s*=>\s*\{", line)
            if arm and arm.group(1).strip() != "_":
                cfgs.append("cfg_select! " + arm.group(1).strip())
            depth = 0
    return "; ".join(cfgs) if cfgs else None


def is_test_cfg(cfg):
    return bool(re.search(r"(?<!not\()\btest\b", cfg))


def module_cfgs(copy):
    """File path -> cfg of its `mod` declaration, for modules declared under a cfg."""
    out = {}
    for path in rs_files(copy):
        try:
            with open(path, errors="replace") as f:
                lines = strip_comments(f.read()).splitlines()
        except OSError:
            continue
        base = os.path.dirname(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        moddir = base if stem in ("lib", "main", "mod") else os.path.join(base, stem)
        for i, line in enumerate(lines):
            m = re.match(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", line)
            if not m:
                continue
            cfg = None
            for j in range(i - 1, max(-1, i - 4), -1):
                c = re.search(r"#\[\s*cfg\s*\((.*)\)\s*\]", lines[j])
                if c:
                    cfg = c.group(1)
                    break
                if not lines[j].strip().startswith("#"):
                    break
            # a `mod x;` inside a `cfg_if!` or `cfg_select!` block
            cfg = cfg or governing_cfg(lines, i)
            if cfg:
                for cand in (os.path.join(moddir, m.group(1) + ".rs"),
                             os.path.join(moddir, m.group(1), "mod.rs")):
                    out[cand] = cfg
        # an inner `#![cfg(..)]` gates this file and its submodules; at the crate root
        # (src/lib.rs, src/main.rs) it gates every file
        inner = [m.group(1) for l in lines[:80] for m in [re.match(r"^\s*#!\[\s*cfg\s*\((.*)\)\s*\]", l)] if m]
        if inner:
            if os.path.relpath(path, copy) in ("src/lib.rs", "src/main.rs"):
                out["*"] = inner[0]
            out.setdefault(path, inner[0])
            if stem not in ("lib", "main", "mod"):
                out.setdefault(os.path.join(moddir, "mod.rs"), inner[0])
    root_cfg = out.pop("*", None)
    # inherit: files under a cfg-gated module's directory
    for path in list(rs_files(copy)):
        for gated, cfg in list(out.items()):
            d = gated[:-3] if not gated.endswith("mod.rs") else os.path.dirname(gated)
            if path.startswith(d + os.sep):
                out.setdefault(path, cfg)
        if root_cfg:
            out.setdefault(path, root_cfg)
    return out


def build_script_reads(copy, links):
    var = "DEP_%s_" % links.upper().replace("-", "_")
    for f in ("build.rs", os.path.join("build", "main.rs")):
        try:
            with open(os.path.join(copy, f), errors="replace") as fh:
                if var in fh.read():
                    return True
        except OSError:
            pass
    return False


def classify(copy, v):
    """Judged entries with the compiler's verdict, and the excluded ones with a reason."""
    unused = {tuple(x) for x in v["lint"]} | {tuple(x) for x in v["hidden"]}
    judged, excluded = {}, {}
    for e in v["entries"]:
        ent = (e["key"], e["kind"])
        if e["kind"] == "dev":
            continue
        if not e["built"]:
            tg = [t for t in e["targets"] if t]
            if tg and all(t.replace(" ", "") == "cfg(any())" for t in tg):
                excluded[ent] = "version pin (cfg(any()) table)"
            elif tg and len(tg) == len(e["targets"]):
                excluded[ent] = "not built: target " + " / ".join(tg) + " is not this host"
            elif e["optional"]:
                excluded[ent] = "not built: optional, not enabled with these features"
            else:
                excluded[ent] = "not built in this configuration"
            continue
        if e["package"].startswith(SHIMS) or e["package"] in SHIM_NAMES:
            excluded[ent] = "std-build shim"
            continue
        is_unused = ent in unused
        if is_unused:
            fwd = [
                f for feats in v["feature_table"].values() for f in feats
                if re.match(r"^%s\??/" % re.escape(e["key"]), f)
            ]
            if fwd:
                excluded[ent] = "compiler: unused; kept to forward features (%s)" % ", ".join(
                    sorted(set(fwd))[:3])
                continue
            if e.get("links") and build_script_reads(copy, e["links"]):
                excluded[ent] = ("compiler: unused, but the build script reads DEP_%s_* which "
                                 "only this dependency (links = \"%s\") provides: the lint is "
                                 "wrong" % (e["links"].upper().replace("-", "_"), e["links"]))
                continue
            if e.get("native_link"):
                excluded[ent] = ("compiler: unused in Rust code; the dependency's build script "
                                 "links a native library (rustc-link-*), a use the lint cannot "
                                 "see")
                continue
            refs = references(copy, e["extern"] or e["key"].replace("-", "_"), e["kind"])
            gated = [r for r in refs if r[2] and not is_test_cfg(r[2])]
            plain = [r for r in refs if not r[2]]
            if gated and not plain:
                f, no, cfg = gated[0]
                excluded[ent] = "compiler: unused; used only under cfg(%s) (%s:%d)" % (
                    cfg[:60], f, no)
                continue
        judged[ent] = {"unused": is_unused, "hidden": ent in {tuple(x) for x in v["hidden"]},
                       "extern": e["extern"]}
    return judged, excluded


# ---------------------------------------------------------------- the tools


def pimports_findings(binary, copy):
    rc, out, err, secs = run([binary, "--unused-deps", "."], copy, timeout=600)
    found = {}
    for line in out.splitlines():
        m = re.match(r"^\s+unused (normal|build|dev) dependency: (\S+)", line)
        if m:
            found[(m.group(2), m.group(1))] = "unused"
            continue
        m = re.match(r"^\s+misplaced: (\S+) is an? (normal|build) dependency", line)
        if m:
            found[(m.group(1), m.group(2))] = "misplaced"
    return found, rc, err


def machete_findings(copy):
    rc, out, err, secs = run(["cargo-machete", "."], copy, timeout=600)
    names = set()
    for line in out.splitlines():
        if line.startswith("\t") and line.strip():
            names.add(line.strip())
    return names, rc, err


def shear_findings(copy):
    """`cargo shear --format json`: findings whose code names a dependency, located by byte
    offset in a manifest; the offset is mapped to (key, kind) like the lint's line."""
    rc, out, err, secs = run(["cargo", "shear", "--format", "json"], copy,
                             {"NO_COLOR": "1"}, timeout=600)
    found = {}
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        raise RuntimeError("cargo shear: no JSON: " + last_error(err))
    for f in doc.get("findings", []):
        code = f.get("code", "")
        m = re.match(r"^shear/(unused|misplaced)\w*_dependency$", code)
        if not m:
            continue
        verdict = m.group(1)
        path = os.path.join(copy, f.get("file", ""))
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        off = f.get("location", {}).get("offset", 0)
        line = data[:off].count(b"\n") + 1
        ent = manifest_line_map(path).get(line)
        name = re.search(r"`([^`]+)`", f.get("message", ""))
        if ent and os.path.normpath(path) == os.path.join(copy, "Cargo.toml"):
            found[ent] = verdict
        elif name:
            found[(name.group(1), None)] = verdict
    return found, rc, out


def tool_set(found, judged, kindless):
    """Map a tool's findings onto judged (key, kind) entries."""
    out = {}
    if not kindless:
        for (name, kind), verdict in found.items():
            if kind is None:
                for (k, kd) in judged:
                    if k == name:
                        out[(k, kd)] = verdict
    if kindless:
        for name, verdict in found.items():
            for (k, kd) in judged:
                if k == name or k.replace("-", "_") == name.replace("-", "_"):
                    out[(k, kd)] = verdict
    else:
        for (name, kind), verdict in found.items():
            if (name, kind) in judged:
                out[(name, kind)] = verdict
    return out


# ---------------------------------------------------------------- reasons


def reason_for(copy, crate, ent, info, verdicts, v):
    """A rule-based reading of why a tool and the compiler disagree (or '')."""
    key, kind = ent
    ext = info["extern"] or key.replace("-", "_")
    if info["unused"]:
        refs = references(copy, ext, kind)
        test = [r for r in refs if r[2] and is_test_cfg(r[2])]
        if info["hidden"]:
            dev = test[0][:2] if test else dev_references(copy, ext)
            feats = entry_features(copy, key, kind)
            return "cargo hides it (another dependency also depends on it)%s%s" % (
                "; used only from tests (%s:%d)" % dev if dev else "",
                "; the entry enables features %s, maybe kept for another dependency's copy "
                "(then the lint is wrong)" % feats if feats else "")
        if refs and test and len(test) == len(refs):
            return "used only under cfg(test) (%s:%d)" % test[0][:2]
        if refs:
            return "named in source at %s:%d but not used by the compiled code" % refs[0][:2]
        dev = dev_references(copy, ext)
        if dev:
            return "used only from tests, benches or examples (%s:%d)" % dev
        return "no use of `%s` in the sources" % ext
    refs = references(copy, ext)
    if ext != key.replace("-", "_"):
        return "library name `%s` differs from the key `%s`%s" % (
            ext, key, "; used at %s:%d" % refs[0][:2] if refs else "")
    if not refs:
        derive = derive_users(copy, ext)
        if derive:
            return "used only through a derive's expansion (%s)" % derive
        if ext != key.replace("-", "_"):
            return "library name `%s` differs from package name `%s`" % (ext, key)
        return "no textual use of `%s` found; used implicitly (macro expansion, build script?)" % ext
    macro = [r for r in refs if in_macro_rules(copy, r)]
    if macro:
        return "used inside a macro_rules! body (%s:%d)" % macro[0][:2]
    gated = [r for r in refs if r[2]]
    if gated:
        return "used under cfg(%s) (%s:%d)" % (gated[0][2][:50], gated[0][0], gated[0][1])
    return "used at %s:%d" % refs[0][:2]


def entry_features(copy, key, kind):
    """The `features = [..]` of the manifest entry (any target table), or []."""
    try:
        with open(os.path.join(copy, "Cargo.toml"), "rb") as f:
            t = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return []
    table = {"normal": "dependencies", "build": "build-dependencies"}[kind]
    feats = []
    for tb in [t] + list(t.get("target", {}).values()):
        d = tb.get(table, {}).get(key)
        if isinstance(d, dict):
            feats += d.get("features", [])
    return sorted(set(feats))


def derive_users(copy, ext):
    """A derive or attribute whose expansion names EXT: `#[derive(ext_derive::X)]`,
    `#[derive(X)]` with `use ext_derive::X`, or `#[ext(..)]` helper attributes."""
    pat = re.compile(r"#\[\s*(derive\s*\([^\]]*\b%s\w*::|%s\s*\()" % (re.escape(ext), re.escape(ext)))
    usepat = re.compile(r"\buse\s+(%s_\w*derive\w*|%s_macros)\b" % (re.escape(ext), re.escape(ext)))
    for path in rs_files(copy):
        if kind is not None and (kind == "build") != is_build_script(copy, path):
            continue
        try:
            with open(path, errors="replace") as f:
                lines = strip_comments(f.read()).splitlines()
        except OSError:
            continue
        for i, line in enumerate(lines):
            if pat.search(line) or usepat.search(line):
                return "%s:%d: %s" % (os.path.relpath(path, copy), i + 1, line.strip()[:60])
    return ""


def in_macro_rules(copy, ref):
    """Whether the reference lies inside a `macro_rules!` body (brace matching)."""
    path = os.path.join(copy, ref[0])
    try:
        with open(path, errors="replace") as f:
            lines = strip_comments(f.read()).splitlines()
    except OSError:
        return False
    start, depth, opened = None, 0, False
    for i, line in enumerate(lines):
        if start is None and re.search(r"\bmacro_rules!\s*\w+", line):
            start, depth, opened = i, 0, False
        if start is not None:
            depth += line.count("{") - line.count("}")
            opened = opened or "{" in line
            if i + 1 == ref[1]:
                return True
            if opened and depth <= 0:
                start = None
        elif i + 1 == ref[1]:
            return False
    return False


# ---------------------------------------------------------------- main


def select(args, host):
    names = []
    for name in sorted(os.listdir(args.corpus)):
        p = os.path.join(args.corpus, name, "Cargo.toml")
        if not os.path.isfile(p):
            continue
        try:
            with open(p, "rb") as f:
                t = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        n = 0
        tables = [t] + [tt for c, tt in t.get("target", {}).items()
                        if c.replace(" ", "") != "cfg(any())"]
        for tb in tables:
            for sect in ("dependencies", "build-dependencies"):
                for k, d in tb.get(sect, {}).items():
                    pkg = d.get("package", k) if isinstance(d, dict) else k
                    if not (pkg.startswith(SHIMS) or pkg in SHIM_NAMES):
                        n += 1
        if n < args.min_entries:
            continue
        copy = prepare(args.corpus, args.work, name)
        try:
            run(["cargo", "+nightly", "generate-lockfile"], copy)
            meta = metadata(copy, "all", host)
            size = build_graph_size(meta)
        except (RuntimeError, json.JSONDecodeError, KeyError) as e:
            log(f"{name}: {e}")
            continue
        log(f"{name}: {n} entries, graph {size}")
        if size <= args.max_graph:
            names.append(name)
    with open(LIST, "w") as f:
        f.write("# bench/imports_accuracy.py --select --min-entries %d --max-graph %d"
                " (rule in its docstring)\n" % (args.min_entries, args.max_graph))
        f.write("".join(n + "\n" for n in names))
    log(f"{len(names)} crates written to {LIST}")


def load_list():
    with open(LIST) as f:
        names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    return list(dict.fromkeys(names))  # a name listed twice is judged once


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.expanduser("~/.cache/pfiles-corpora/rust"))
    ap.add_argument("--work", default=os.path.join(REPO, "target", "imports-accuracy"))
    ap.add_argument("--build-dir", default=None, help="CARGO_TARGET_DIR of the builds")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "pimports"))
    ap.add_argument("--crates", type=int, default=0, help="only the first N crates of the list")
    ap.add_argument("--only", default="", help="comma-separated crate names")
    ap.add_argument("--jobs", type=int, default=2, help="cargo -j for the builds")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", default="", help="write all per-crate results to this file")
    ap.add_argument("--no-tools", action="store_true", help="compiler verdicts only")
    ap.add_argument("--select", action="store_true")
    ap.add_argument("--max-graph", type=int, default=40)
    ap.add_argument("--min-entries", type=int, default=5)
    args = ap.parse_args()
    args.work = os.path.abspath(args.work)
    build_dir = os.path.abspath(args.build_dir or os.path.join(args.work, "cargo-target"))
    os.makedirs(os.path.join(args.work, "copies"), exist_ok=True)
    host = host_triple()
    if args.select:
        select(args, host)
        return 0

    if args.only:
        crates = [c for c in args.only.split(",") if c]
    else:
        crates = load_list()
    if args.crates:
        crates = crates[: args.crates]
    cache_path = os.path.join(args.work, "verdicts.json")
    cache = {}
    if os.path.exists(cache_path):
        with open(cache_path) as f:
            cache = json.load(f)
    cver = cargo_version()
    versions = {
        "cargo": cver,
        "pimports": tool_version([args.bin, "--version"]),
        "cargo-machete": tool_version(["cargo-machete", "--version"]),
        "cargo-shear": installed_version("cargo-shear")
        or tool_version(["cargo", "shear", "--version"]),
    }
    t0 = time.monotonic()
    results, skipped, tool_errors = [], [], []
    for name in crates:
        if not os.path.isdir(os.path.join(args.corpus, name)):
            skipped.append((name, "not in the corpus"))
            continue
        with open(os.path.join(args.corpus, name, "Cargo.toml"), "rb") as f:
            ver = tomllib.load(f)["package"]["version"]
        ckey = f"{name}@{ver}|all,default|{cver}|{CACHE_FORMAT}"
        copy = prepare(args.corpus, args.work, name)
        v = cache.get(ckey)
        if v is None:
            log(f"{name}: building")
            try:
                v = compiler_verdict(copy, host, build_dir, args.jobs)
            except (RuntimeError, json.JSONDecodeError, KeyError, StopIteration) as e:
                v = {"ok": False, "attempts": [{"error": str(e)}]}
            cache[ckey] = v
            with open(cache_path + ".tmp", "w") as f:
                json.dump(cache, f, indent=1, sort_keys=True)
            os.replace(cache_path + ".tmp", cache_path)
        if not v["ok"]:
            skipped.append((name, "; ".join(
                "%s: %s" % (a.get("features", "?"), a.get("error", "")) for a in v["attempts"])))
            continue
        judged, excluded = classify(copy, v)
        r = {"crate": name, "version": v["version"], "features": v["features"],
             "judged": judged, "excluded": excluded, "tools": {}, "raw": {}}
        if not args.no_tools:
            pf, mf, sf = {}, set(), {}
            for tool, fn in (("pimports", lambda: pimports_findings(args.bin, copy)),
                             ("cargo-machete", lambda: machete_findings(copy)),
                             ("cargo-shear", lambda: shear_findings(copy))):
                try:
                    found, rc, err = fn()
                except RuntimeError as e:
                    tool_errors.append((name, tool, str(e)))
                    continue
                if rc not in (0, 1):
                    tool_errors.append((name, tool, "exit %d: %s" % (rc, last_error(err))))
                elif rc == 1 and not found and tool != "cargo-shear":
                    tool_errors.append((name, tool, "exit 1 but no finding parsed"))
                if tool == "pimports":
                    pf = found
                elif tool == "cargo-machete":
                    mf = found
                else:
                    sf = found
            r["raw"] = {"pimports": pf, "cargo-machete": sorted(mf), "cargo-shear": sf}
            for ent in set(pf) | set(sf):
                if ent[1] in ("normal", "build") and ent not in judged and ent not in excluded:
                    log(f"{name}: a tool names {ent}, which is not a judged entry")
            r["tools"]["pimports"] = tool_set(pf, judged, False)
            r["tools"]["cargo-machete"] = tool_set({n: "unused" for n in mf}, judged, True)
            r["tools"]["cargo-shear"] = tool_set(sf, judged, False)
            r["on_excluded"] = {
                "pimports": tool_set(pf, excluded, False),
                "cargo-shear": tool_set(sf, excluded, False),
                "cargo-machete": tool_set({n: "unused" for n in mf}, excluded, True),
            }
        results.append(r)
        log("%s %s (%s features): %d judged, %d unused, %d excluded" % (
            name, v["version"], v["features"], len(judged),
            sum(1 for j in judged.values() if j["unused"]), len(excluded)))
    elapsed = time.monotonic() - t0
    report(args, results, skipped, versions, elapsed, tool_errors)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([jsonable(r) for r in results], f, indent=1)
    return 0


def jsonable(r):
    return {
        "crate": r["crate"], "version": r["version"], "features": r["features"],
        "judged": {"%s (%s)" % k: v for k, v in r["judged"].items()},
        "excluded": {"%s (%s)" % k: v for k, v in r["excluded"].items()},
        "tools": {t: {"%s (%s)" % k: v for k, v in s.items()} for t, s in r["tools"].items()},
    }


def report(args, results, skipped, versions, elapsed, tool_errors):
    tools = ["pimports", "cargo-shear", "cargo-machete"]
    n_judged = sum(len(r["judged"]) for r in results)
    n_unused = sum(1 for r in results for j in r["judged"].values() if j["unused"])
    n_excl = sum(len(r["excluded"]) for r in results)
    rows = []
    for t in tools:
        tp = fp = fn = 0
        for r in results:
            said = r["tools"].get(t, {})
            for ent, info in r["judged"].items():
                if ent in said and info["unused"]:
                    tp += 1
                elif ent in said:
                    fp += 1
                elif info["unused"]:
                    fn += 1
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        ver = versions.get(t, "")
        ver = ver if ver.startswith(t.split("-")[-1]) or ver.startswith(t) else t + " " + ver
        rows.append((t, ver, tp, fp, fn, prec, rec))
    out = print
    out("%d crates judged (%d skipped), %d normal/build dependencies judged, %d unused by the "
        "compiler, %d left out as not actionable; %.0f s" % (
            len(results), len(skipped), n_judged, n_unused, n_excl, elapsed))
    out("compiler: %s; pimports: %s" % (versions["cargo"], args.bin))
    out("")
    if args.markdown:
        out("| tool | true pos. | false pos. | false neg. | precision | recall |")
        out("|---|---|---|---|---|---|")
        for t, ver, tp, fp, fn, p, rc in rows:
            out("| %s | %d | %d | %d | %.2f | %.2f |" % (ver or t, tp, fp, fn, p, rc))
    else:
        out("%-28s %6s %6s %6s %9s %7s" % ("tool", "TP", "FP", "FN", "precision", "recall"))
        for t, ver, tp, fp, fn, p, rc in rows:
            out("%-28s %6d %6d %6d %9.2f %7.2f" % (ver or t, tp, fp, fn, p, rc))
    out("")
    out("Disagreements (compiler's verdict vs each tool):")
    if args.markdown:
        out("")
        out("| crate | dependency | compiler | pimports | cargo-shear | cargo-machete | reason |")
        out("|---|---|---|---|---|---|---|")
    for r in results:
        copy = os.path.join(args.work, "copies", r["crate"])
        for ent, info in sorted(r["judged"].items()):
            said = {t: r["tools"].get(t, {}).get(ent) for t in tools}
            if all(bool(s) == info["unused"] for s in said.values()):
                continue
            comp = "unused (hidden)" if info["hidden"] else ("unused" if info["unused"] else "used")
            reason = reason_for(copy, r["crate"], ent, info, said, r)
            cells = [s or "-" for s in (said[t] for t in tools)]
            if args.markdown:
                out("| %s | %s (%s) | %s | %s | %s | %s | %s |" % (
                    r["crate"], ent[0], ent[1], comp, *cells, reason))
            else:
                out("  %-22s %-26s compiler=%-15s pimports=%-9s shear=%-9s machete=%-7s %s" % (
                    r["crate"], "%s (%s)" % ent, comp, *cells, reason))
    out("")
    out("Left out as not actionable:")
    if args.markdown:
        out("")
        out("| crate | dependency | why left out | pimports | cargo-shear | cargo-machete |")
        out("|---|---|---|---|---|---|")
    for r in results:
        for ent, why in sorted(r["excluded"].items()):
            if why.startswith("not built"):
                continue
            cells = [r.get("on_excluded", {}).get(t, {}).get(ent) or "-" for t in tools]
            if args.markdown:
                out("| %s | %s (%s) | %s | %s | %s | %s |" % (r["crate"], *ent, why, *cells))
                continue
            said = " ".join("%s=%s" % (t.replace("cargo-", ""), c) for t, c in zip(tools, cells))
            out("  %-22s %-26s %s [%s]" % (r["crate"], "%s (%s)" % ent, why, said))
    nb = sum(1 for r in results for w in r["excluded"].values() if w.startswith("not built"))
    out("")
    out("  (and %d entries not built in the checked configuration: optional and off, or "
        "another target's table)" % nb)
    out("")
    out("Built with default features only (all features failed):")
    for r in results:
        if r["features"] != "all":
            out("  %s" % r["crate"])
    if tool_errors:
        out("")
        out("Tool errors (findings of that tool on that crate counted as none):")
        for name, tool, why in tool_errors:
            out("  %-22s %-14s %s" % (name, tool, why[:300]))
    if skipped:
        out("")
        out("Skipped (build failed):")
        for name, why in skipped:
            out("  %-22s %s" % (name, why))


if __name__ == "__main__":
    sys.exit(main())
