//! Every Cypher statement lives in `cypher/*.cypher`, loaded with `include_str!`, so it can be read, diffed
//! and run in the Neo4j browser as it is. This test fails when a `.rs` file outside `tests/` has a string
//! literal that starts a Cypher clause (MATCH/MERGE/CREATE/UNWIND/CALL). Comments are not literals, and a
//! keyword must be a whole word followed by a space or `(`, so "CREATED" or a lone "MATCH" do not count.

use std::path::{Path, PathBuf};

const KEYWORDS: [&str; 5] = ["MATCH", "MERGE", "CREATE", "UNWIND", "CALL"];

/// The contents of every string literal in Rust source (comments skipped, char literals and lifetimes
/// told apart from quotes).
fn string_literals(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            '\'' => {
                // 'x', '\n', '\u{..}' are chars; 'a (no closing quote right after) is a lifetime or label.
                if c.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < c.len() && c[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if c.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            'r' if (i == 0 || !ident(c[i - 1]) || (c[i - 1] == 'b' && (i < 2 || !ident(c[i - 2]))))
                && matches!(c.get(i + 1), Some('"') | Some('#')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let start = j + 1;
                let mut k = start;
                loop {
                    if k >= c.len() {
                        break;
                    }
                    if c[k] == '"' && (1..=hashes).all(|h| c.get(k + h) == Some(&'#')) {
                        break;
                    }
                    k += 1;
                }
                out.push(c[start..k.min(c.len())].iter().collect());
                i = k + 1 + hashes;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        // A `\` at a line end continues the literal on the next line: keep a space.
                        s.push(if c.get(i + 1) == Some(&'\n') { ' ' } else { c[i + 1] });
                        i += 2;
                    } else {
                        s.push(c[i]);
                        i += 1;
                    }
                }
                out.push(s);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The first Cypher clause keyword in a literal, if any.
fn cypher_keyword(literal: &str) -> Option<&'static str> {
    let bytes = literal.as_bytes();
    for kw in KEYWORDS {
        for (at, _) in literal.match_indices(kw) {
            let before = at.checked_sub(1).map(|b| bytes[b]);
            let after = bytes.get(at + kw.len()).copied();
            let word_start = before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_'));
            if word_start && matches!(after, Some(b' ' | b'\n' | b'\t' | b'(')) {
                return Some(kw);
            }
        }
    }
    None
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !matches!(p.file_name().and_then(|n| n.to_str()), Some("tests" | "target")) {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `file: keyword in "literal"` for every offending literal under the given folders.
fn offenders(roots: &[PathBuf]) -> Vec<String> {
    let mut files = Vec::new();
    for r in roots {
        rust_files(r, &mut files);
    }
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for lit in string_literals(&text) {
            if let Some(kw) = cypher_keyword(&lit) {
                found.push(format!("{}: {kw} in {lit:?}", f.display()));
            }
        }
    }
    found
}

#[test]
fn no_rust_file_outside_tests_holds_a_cypher_statement() {
    // The library's manifest is crates/oktagraph/Cargo.toml; its sources and the other crates are the
    // repository's src/ and crates/.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs = [root.join("src"), root.join("crates")];
    assert!(dirs.iter().all(|d| d.join("..").join("Cargo.toml").is_file() && d.is_dir()), "not the repository root: {}", root.display());
    let found = offenders(&dirs);
    assert!(found.is_empty(), "Cypher belongs in cypher/*.cypher (include_str!):\n{}", found.join("\n"));
}

#[test]
fn the_scanner_sees_literals_and_skips_comments_chars_and_words() {
    let stmt = format!("{} (n) RETURN n", KEYWORDS[0]);
    let src = format!(
        "// {stmt}\n/* {stmt} */ let q = '\"'; fn f<'a>() {{}} let a = \"x {stmt}\"; let b = r#\"{stmt}\"#; \
         let c = \"{}D n\"; let d = \"{}\";",
        KEYWORDS[2], KEYWORDS[3]
    );
    let lits = string_literals(&src);
    assert_eq!(lits.len(), 4, "{lits:?}");
    let hits: Vec<_> = lits.iter().filter_map(|l| cypher_keyword(l)).collect();
    assert_eq!(hits, vec![KEYWORDS[0], KEYWORDS[0]]);
    let continued = format!("\"{}\\\n    $rows AS row\"", KEYWORDS[3]);
    assert_eq!(cypher_keyword(&string_literals(&continued)[0]), Some(KEYWORDS[3]));
}
