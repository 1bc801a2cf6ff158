//! The committed shell completions must be what the clap definitions
//! generate today. When a flag changes, regenerate them with
//! `PFILES_BLESS=1 cargo test --test completions` and commit the result.

use std::path::Path;

fn check(tool: &str, files: &[(Vec<u8>, String)]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bless = std::env::var_os("PFILES_BLESS").is_some();
    let mut stale = Vec::new();
    for (want, name) in files {
        let path = dir.join(name);
        let have = std::fs::read(&path).unwrap_or_default();
        if &have != want {
            if bless {
                std::fs::create_dir_all(&dir).expect("mkdir completions");
                std::fs::write(&path, want).expect("write completion");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{tool}: stale completions {stale:?}; run `PFILES_BLESS=1 cargo test --test completions`"
    );
}

#[test]
fn pgrep_lite_completions_are_fresh() {
    let files: Vec<(Vec<u8>, String)> = pfiles_grep::generate::completion_files()
        .into_iter()
        .map(|(kind, name)| (pfiles_grep::generate::render(kind).expect("render"), name))
        .collect();
    check("pgrep-lite", &files);
}

#[test]
fn pgrep_lite_man_page_renders() {
    let man = pfiles_grep::generate::render(pfiles_grep::cli::Generate::Man).expect("man");
    let text = String::from_utf8(man).expect("utf-8");
    assert!(
        text.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &text[..80.min(text.len())]
    );
    assert!(text.contains("\\-\\-sort"));
}

#[test]
fn pimports_completions_are_fresh() {
    let files: Vec<(Vec<u8>, String)> = pfiles_imports::completion_files()
        .into_iter()
        .map(|(kind, name)| (pfiles_imports::generate(kind).expect("render"), name))
        .collect();
    check("pimports", &files);
}

#[test]
fn ptail_completions_are_fresh() {
    let files: Vec<(Vec<u8>, String)> = pfiles_tail::completion_files()
        .into_iter()
        .map(|(kind, name)| (pfiles_tail::generate(kind).expect("render"), name))
        .collect();
    check("ptail", &files);
}
