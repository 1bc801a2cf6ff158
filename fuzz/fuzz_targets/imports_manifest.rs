//! pimports' manifest reader (`pfiles_imports::cargo::load`) on arbitrary
//! manifests. `load` takes paths (it also looks for target files beside a
//! manifest, and reads a path dependency's manifest for its `[lib] name`),
//! so the input is written to real files in a temporary tree made once:
//!
//! ```text
//! ROOT/Cargo.toml       piece 1 (a workspace root, typically)
//! ROOT/app/Cargo.toml   piece 2   app/src/main.rs, app/src/bin/tool.rs,
//!                                 app/tests/it.rs, app/build.rs exist
//! ROOT/util/Cargo.toml  piece 3   util/src/lib.rs exists
//! ```
//!
//! The input is split into the pieces at NUL bytes (which TOML never
//! contains); missing pieces are empty files.
//!
//! Properties, besides "no panic, no overflow": a manifest gives at most
//! one package; one that is not valid TOML gives an error naming its path
//! and no package; a package names its manifest; a dependency appears at
//! most once per kind. (A root may give a package *and* errors: a
//! workspace member without a manifest is an error of the root.)
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pfiles_imports::cargo;

struct Tree {
    _dir: tempfile::TempDir,
    manifests: [PathBuf; 3],
}

fn tree() -> &'static Tree {
    static T: OnceLock<Tree> = OnceLock::new();
    T.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for f in [
            "app/src/main.rs",
            "app/src/bin/tool.rs",
            "app/tests/it.rs",
            "app/build.rs",
            "util/src/lib.rs",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "fn main() {}\n").expect("write");
        }
        let manifests = [
            root.join("Cargo.toml"),
            root.join("app/Cargo.toml"),
            root.join("util/Cargo.toml"),
        ];
        Tree {
            _dir: dir,
            manifests,
        }
    })
}

fuzz_target!(|input: &[u8]| {
    let t = tree();
    let mut pieces = input.splitn(3, |&b| b == 0);
    let mut texts = Vec::new();
    for m in &t.manifests {
        let piece = pieces.next().unwrap_or_default();
        std::fs::write(m, piece).expect("write a manifest");
        texts.push(piece);
    }
    let (packages, errors) = cargo::load(&t.manifests);
    for (m, text) in t.manifests.iter().zip(&texts) {
        let invalid = std::str::from_utf8(text)
            .map(|s| s.parse::<toml::Table>().is_err())
            .unwrap_or(true);
        let errs = errors.iter().filter(|e| &e.path == m).count();
        let pkgs = packages.iter().filter(|p| &p.manifest == m).count();
        assert!(pkgs <= 1, "{} gave {pkgs} packages", m.display());
        if invalid {
            assert!(
                errs >= 1 && pkgs == 0,
                "invalid TOML in {} was not reported, or gave a package",
                m.display()
            );
        }
    }
    for p in &packages {
        assert!(t.manifests.contains(&p.manifest));
        for (i, a) in p.deps.iter().enumerate() {
            assert!(
                !p.deps[..i]
                    .iter()
                    .any(|b| b.key == a.key && b.kind == a.kind),
                "dependency {} listed twice as {:?}",
                a.key,
                a.kind
            );
            let _ = a.alternate_names();
        }
    }
    for e in &errors {
        let _ = e.to_string();
    }
});
