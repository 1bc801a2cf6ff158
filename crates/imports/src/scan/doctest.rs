//! Doc tests: rustdoc compiles the Rust code blocks of doc comments
//! against the crate and its dependencies, so the paths in them are sites
//! (of kind `DocTest`) like any other.
//!
//! The collector ([`super::collect`]) gathers an item's doc text as either
//! engine meets it and hands it here when the docs end (at the item, or at
//! an attribute that is not a doc comment); this finds the code blocks and
//! their paths (through [`super::free`]), with positions in the file. A
//! block nested too deep to read is skipped and its position reported.

use proc_macro2::TokenStream;

use super::{free, nesting};

/// The sites of the doc tests in `docs` (each doc line's text and the file
/// line it is on), handed to `site` as path, line and column in the file.
/// `skipped`: the run of doc lines began before `docs`, with lines holding
/// no fence (the line it began on, and how many lines of text they were).
/// The first block nested too deep is recorded in `deep` (if nothing is).
pub(super) fn doc_test_sites(
    docs: &[(String, usize)],
    skipped: Option<(usize, usize)>,
    deep: &mut Option<(usize, usize)>,
    mut site: impl FnMut(String, usize, usize),
) {
    let (line0, before) = skipped.unwrap_or((docs.first().map_or(1, |d| d.1), 0));
    let mut text = String::with_capacity(docs.iter().map(|(s, _)| s.len() + 1).sum());
    for (s, _) in docs {
        text.push_str(s);
        text.push('\n');
    }
    for (code, offset) in doc_code_blocks(&text) {
        let offset = before + offset;
        if let Some((line, column)) = nesting::too_deep(&code) {
            deep.get_or_insert((line0 + offset + line.saturating_sub(1), column));
            continue;
        }
        // The flat lexer when it can (a tenth of the cost), else
        // proc-macro2's; both engines take the same path.
        let found = match free::code_sites(&code) {
            Some(found) => found,
            None => {
                let Ok(tokens) = code.parse::<TokenStream>() else {
                    continue;
                };
                free::token_sites(tokens)
                    .into_iter()
                    .map(|(p, span)| (p, span.start().line, span.start().column + 1))
                    .collect()
            }
        };
        for (path, line, column) in found {
            site(path, line0 + offset + line.saturating_sub(1), column);
        }
    }
}

/// The Rust code blocks of a doc comment, with the line (0-based, within
/// the doc text) where each starts. Hidden lines (`# foo`) are kept.
fn doc_code_blocks(doc: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut in_block: Option<(String, usize, bool)> = None;
    for (n, line) in doc.lines().enumerate() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("```") {
            match in_block.take() {
                Some((code, start, rust)) => {
                    if rust {
                        out.push((code, start));
                    }
                }
                None => {
                    let info = rest.trim();
                    let rust = info.is_empty()
                        || info.split(',').map(str::trim).all(|w| {
                            matches!(
                                w,
                                "rust"
                                    | "no_run"
                                    | "should_panic"
                                    | "ignore"
                                    | "compile_fail"
                                    | "edition2015"
                                    | "edition2018"
                                    | "edition2021"
                                    | "edition2024"
                            ) || w.is_empty()
                        });
                    in_block = Some((String::new(), n + 1, rust));
                }
            }
            continue;
        }
        if let Some((code, _, _)) = in_block.as_mut() {
            let l = t
                .strip_prefix("# ")
                .or_else(|| (t == "#").then_some(""))
                .unwrap_or(line);
            code.push_str(l);
            code.push('\n');
        }
    }
    out
}
