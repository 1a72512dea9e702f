//! The spec's prose as rustdoc reads it. Descriptions become doc comments of the generated
//! code (ours, progenitor's and typify's), and rustdoc compiles and runs every code block it
//! takes for Rust: a fenced block without a language, or an indented one. A `curl` example
//! in a description would then be a doc test that does not compile, and `cargo test` would
//! fail after the spec changed. So every such block becomes a `text` block when the spec is
//! loaded; blocks in another language (`json`, `bash`) are left as they are.

use serde_json::Value;

/// Rewrites every `description` and `summary` of the document (not those inside examples,
/// defaults, enums or extensions, which are data) with [`doc_safe`].
pub(crate) fn doc_safe_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("example" | "examples" | "default" | "enum" | "const", _) => {}
                    (extension, _) if extension.starts_with("x-") => {}
                    ("description" | "summary", Value::String(text)) => *text = doc_safe(text),
                    (_, child) => doc_safe_descriptions(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(doc_safe_descriptions),
        _ => {}
    }
}

/// `text` with each code block rustdoc would test made a `text` block: a fenced block
/// whose info string is empty or names only Rust and rustdoc's attributes gets the info
/// string `text`; an indented block (four columns, after a blank line) becomes a fenced
/// `text` block of the same lines, unindented. Anything else is unchanged.
pub(crate) fn doc_safe(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    // The marker run of the open fenced block (```` ``` ```` or `~~~`, or longer).
    let mut fence: Option<String> = None;
    // Inside an indented block made fenced, with the blank lines not yet known to be in it.
    let mut indented: Option<usize> = None;
    let mut previous_blank = true;
    for line in text.lines() {
        let (columns, rest) = indentation(line);
        if let Some(marker) = &fence {
            if columns < 4 && closes(rest, marker) {
                fence = None;
            }
            // (`previous_blank` stays false, as the fence's opening line set it.)
            out.push(line.to_owned());
            continue;
        }
        if let Some(blanks) = indented.as_mut() {
            if rest.is_empty() {
                *blanks += 1;
                continue;
            }
            if columns >= 4 {
                out.extend(std::iter::repeat_n(String::new(), *blanks));
                *blanks = 0;
                out.push(unindent(line));
                continue;
            }
            // The line that ends the block is read below; it is neither blank nor
            // indented, so what came before it decides nothing.
            let blanks = *blanks;
            out.push("```".to_owned());
            out.extend(std::iter::repeat_n(String::new(), blanks));
            indented = None;
        }
        if rest.is_empty() {
            out.push(line.to_owned());
            previous_blank = true;
            continue;
        }
        if columns >= 4 && previous_blank {
            out.push("```text".to_owned());
            out.push(unindent(line));
            indented = Some(0);
            continue;
        }
        if columns < 4
            && let Some((marker, info)) = opens(rest)
        {
            fence = Some(marker.to_owned());
            if tested_by_rustdoc(info) {
                out.push(format!("{}{marker}text", &line[..line.len() - rest.len()]));
            } else {
                out.push(line.to_owned());
            }
            previous_blank = false;
            continue;
        }
        out.push(line.to_owned());
        previous_blank = false;
    }
    if let Some(blanks) = indented {
        out.push("```".to_owned());
        out.extend(std::iter::repeat_n(String::new(), blanks));
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// The columns of a line's leading white space (a tab to the next multiple of four) and
/// the rest of the line.
fn indentation(line: &str) -> (usize, &str) {
    let mut columns = 0;
    for (index, c) in line.char_indices() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => return (columns, &line[index..]),
        }
    }
    (columns, "")
}

/// A line of an indented block without its first four columns of indentation.
fn unindent(line: &str) -> String {
    let mut columns = 0;
    for (index, c) in line.char_indices() {
        if columns >= 4 {
            return line[index..].to_owned();
        }
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => return line[index..].to_owned(),
        }
    }
    String::new()
}

/// The marker run and info string of a line that opens a fenced block.
fn opens(rest: &str) -> Option<(&str, &str)> {
    let first = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = rest.len() - rest.trim_start_matches(first).len();
    if run < 3 {
        return None;
    }
    let (marker, info) = rest.split_at(run);
    // A backtick fence's info string holds no backtick (CommonMark).
    if first == '`' && info.contains('`') {
        return None;
    }
    Some((marker, info.trim()))
}

/// Whether a line closes the block opened by `marker`: a run of the same character, at
/// least as long, and nothing after it.
fn closes(rest: &str, marker: &str) -> bool {
    let Some(first) = marker.chars().next() else {
        return false;
    };
    let run = rest.len() - rest.trim_start_matches(first).len();
    run >= marker.len() && rest[run..].trim().is_empty()
}

/// Whether rustdoc takes a block with this info string for Rust: an empty one, or one whose
/// every word is `rust` or one of rustdoc's attributes (a word it does not know, `json`,
/// makes it another language).
fn tested_by_rustdoc(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .all(|word| {
            matches!(
                word,
                "rust"
                    | "ignore"
                    | "should_panic"
                    | "no_run"
                    | "compile_fail"
                    | "test_harness"
                    | "standalone_crate"
            ) || word.starts_with("edition")
                || word.starts_with("ignore-")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_rustdoc_would_test_become_text() {
        for (text, expected) in [
            // An indented block after a blank line, its blank lines kept inside it.
            (
                "Call it:\n\n    curl https://x\n\n    -H y\n\nDone.",
                "Call it:\n\n```text\ncurl https://x\n\n-H y\n```\n\nDone.",
            ),
            // At the start, and at the end.
            ("    one\n    two", "```text\none\ntwo\n```"),
            // Deeper indentation keeps what is beyond four columns; a tab is four.
            ("a\n\n      deep\n\tb", "a\n\n```text\n  deep\nb\n```"),
            // Fenced without a language, with Rust or rustdoc's words only.
            ("```\nx\n```", "```text\nx\n```"),
            ("~~~~\nx\n~~~~", "~~~~text\nx\n~~~~"),
            ("  ```rust,no_run\nx\n  ```", "  ```text\nx\n  ```"),
            ("```edition2021 ignore\nx\n```", "```text\nx\n```"),
            // Trailing newline kept.
            ("```\nx\n```\n", "```text\nx\n```\n"),
            // Three columns open a fence; four make an indented block of the fence's line.
            ("   ```\nx\n   ```", "   ```text\nx\n   ```"),
            ("    ```\n    x", "```text\n```\nx\n```"),
            // A tab reaches column four: what follows it is kept, spaces included.
            ("a\n\n\t  b", "a\n\n```text\n  b\n```"),
            // A tab after spaces reaches the next multiple of four.
            ("a\n\n  \tx", "a\n\n```text\nx\n```"),
            // Only a run at least as long as the opening one, alone on its line, closes.
            (
                "````\n```\n```` x\n````\nafter",
                "````text\n```\n```` x\n````\nafter",
            ),
            // A fence closes: the next one is read as a fence of its own.
            (
                "```\nx\n```\n```\ny\n```",
                "```text\nx\n```\n```text\ny\n```",
            ),
            // Inside a fence, a closing run indented four columns is content; three close.
            (
                "```\nx\n    ```\ny\n   ```\nz",
                "```text\nx\n    ```\ny\n   ```\nz",
            ),
            // An indented block ends at a line indented less; its trailing blanks stay
            // after it.
            ("    a\n\n\nb", "```text\na\n```\n\n\nb"),
        ] {
            assert_eq!(doc_safe(text), expected, "{text:?}");
        }
    }

    #[test]
    fn other_text_is_unchanged() {
        for text in [
            // Another language; inside a fence, indentation and inner fences are content.
            "```json\n{\"a\": 1}\n```",
            "```bash\n    curl x\n```",
            "~~~\n```\n~~~",
            // Indented lines that continue a paragraph are not a block.
            "A paragraph\n    continued.",
            // Three columns are not a block.
            "a\n\n   three",
            // Four columns after a paragraph line open no fence either.
            "a\n    ```\nx",
            // A tilde fence's info string may hold a backtick: the fence holds what follows.
            "~~~a`b\n\n    x\n~~~",
            // Inline code, and too short a fence.
            "Send `phone_number` (``E.164``).",
            "``\nx\n``",
            // A backtick fence's info string cannot hold a backtick.
            "```a`b\nx",
            "",
            "One line.",
        ] {
            let expected = match text {
                "~~~\n```\n~~~" => "~~~text\n```\n~~~",
                other => other,
            };
            assert_eq!(doc_safe(text), expected, "{text:?}");
        }
    }

    /// Through the whole generator: a description with a `curl` example reaches the front
    /// door's and progenitor's doc comments as `text` blocks, never as a doc test.
    #[test]
    fn generated_docs_hold_no_doc_test_from_the_spec() {
        let mut spec = crate::test_spec::base();
        spec.pointer_mut(crate::test_spec::GET).unwrap()["description"] =
            "Reads a thing.\n\n    curl https://x/v1/things/1\n\nOr:\n\n```\nlet x = 1 +;\n```\n"
                .into();
        for path in [crate::API_PATH, crate::CLIENT_PATH] {
            let file = crate::test_spec::generated_file(&spec, path);
            let start = file.find("Reads a thing.").expect("the description");
            let end = start
                + file[start..]
                    .find("let x = 1 +;")
                    .expect("the second block");
            let docs = &file[start..end + 40];
            assert!(docs.contains("```text\n"), "{path}: {docs}");
            assert!(!docs.contains("    curl"), "{path}: {docs}");
            let fences = docs.matches("```").count();
            assert_eq!(
                docs.matches("```text").count() * 2,
                fences,
                "{path}: {docs}"
            );
        }
    }

    #[test]
    fn only_prose_is_rewritten() {
        let mut spec = serde_json::json!({
            "info": {"description": "    indented"},
            "parameters": [{"name": "p", "description": "    in a list"}],
            "paths": {"/x": {"get": {"summary": "```\ns\n```", "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"example": {"description": "    data"}}}
            }}}}},
            "components": {"schemas": {"Thing": {
                "description": "    a",
                "properties": {"description": {"type": "string", "description": "    b"}},
                "default": {"description": "    data"},
                "x-note": {"description": "    data"}
            }}}
        });
        doc_safe_descriptions(&mut spec);
        assert_eq!(spec["info"]["description"], "```text\nindented\n```");
        assert_eq!(
            spec["parameters"][0]["description"],
            "```text\nin a list\n```"
        );
        assert_eq!(spec["paths"]["/x"]["get"]["summary"], "```text\ns\n```");
        let thing = &spec["components"]["schemas"]["Thing"];
        assert_eq!(thing["description"], "```text\na\n```");
        assert_eq!(
            thing["properties"]["description"]["description"],
            "```text\nb\n```"
        );
        for data in [
            &spec["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
                ["description"],
            &thing["default"]["description"],
            &thing["x-note"]["description"],
        ] {
            assert_eq!(data, "    data");
        }
    }
}
