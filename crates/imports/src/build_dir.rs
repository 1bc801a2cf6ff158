//! Which directories are Cargo's build output, and so never source.
//!
//! A directory is not skipped for its name: `mod target;` is a module like
//! any other, and skipping every `target/` left such modules unread and
//! their crates' dependencies reported unused. What is skipped (with all
//! below it) is a directory that
//!
//! * holds a `CACHEDIR.TAG` with the standard signature: Cargo writes one
//!   into every target directory it creates (wherever `CARGO_TARGET_DIR`
//!   or `build.target-dir` put it), and any tagged directory is a cache
//!   by definition, not source;
//! * is `target` right beside a `Cargo.toml` (the default place of a
//!   package's or workspace's build directory, for one made before Cargo
//!   wrote the tag or whose tag was removed);
//! * is the directory `CARGO_TARGET_DIR` names, if it is set.
//!
//! `build.target-dir` in `.cargo/config.toml` is not read: the tag covers
//! it. A directory given on the command line is always walked.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The first bytes of a cache directory tag (<https://bford.info/cachedir/>).
const SIGNATURE: &[u8] = b"Signature: 8a477f597d28d172789f06886806bc55";

/// Decides for each directory of the walk whether it is a build directory.
#[derive(Clone, Debug, Default)]
pub struct BuildDirs {
    /// `CARGO_TARGET_DIR`, made absolute against the current directory.
    env_target: Option<PathBuf>,
}

impl BuildDirs {
    /// With `CARGO_TARGET_DIR` from the environment (relative to `cwd`).
    pub fn from_env(cwd: &Path) -> BuildDirs {
        let env_target = std::env::var_os("CARGO_TARGET_DIR")
            .filter(|v| !v.is_empty())
            .map(|v| workdist::cli::lexical_join(cwd, Path::new(&v)));
        BuildDirs { env_target }
    }

    /// Whether `dir` is a build directory (see the module docs).
    pub fn is_build_dir(&self, dir: &Path) -> bool {
        if self.env_target.as_deref() == Some(dir) {
            return true;
        }
        if dir.file_name().is_some_and(|n| n == "target")
            && dir.parent().is_some_and(|p| p.join("Cargo.toml").is_file())
        {
            return true;
        }
        has_cachedir_tag(dir)
    }
}

fn has_cachedir_tag(dir: &Path) -> bool {
    let Ok(file) = std::fs::File::open(dir.join("CACHEDIR.TAG")) else {
        return false;
    };
    let mut head = Vec::with_capacity(SIGNATURE.len());
    file.take(SIGNATURE.len() as u64)
        .read_to_end(&mut head)
        .is_ok_and(|_| head == SIGNATURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cargo_build_directories_are_build_directories() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        let mk = |p: &str| {
            std::fs::create_dir_all(d.join(p)).expect("mkdir");
            d.join(p)
        };
        std::fs::write(d.join("Cargo.toml"), "").expect("write");
        let tagged = mk("out/build");
        std::fs::write(
            tagged.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# cargo\n",
        )
        .expect("write");
        let forged = mk("src/fake");
        std::fs::write(forged.join("CACHEDIR.TAG"), "not a tag\n").expect("write");
        let b = BuildDirs::default();
        assert!(b.is_build_dir(&mk("target")));
        assert!(b.is_build_dir(&tagged));
        assert!(!b.is_build_dir(&mk("src/target")));
        assert!(!b.is_build_dir(&forged));
        let b = BuildDirs {
            env_target: Some(d.join("elsewhere")),
        };
        assert!(b.is_build_dir(&mk("elsewhere")));
        assert!(!b.is_build_dir(&mk("src/elsewhere")));
    }
}
