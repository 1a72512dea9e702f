//! The change report: two API surfaces compared, each difference classified as `breaking`
//! (code or callers that worked before may not after) or `additive`.
//!
//! Two judges speak through it:
//! - **the compiler**: what Rust code written against the old crate does with the new one.
//!   Every struct is `#[non_exhaustive]` and built through its builder, every enum of the API
//!   is open, so a new optional field, variant or operation breaks no code; a removal, a type
//!   change, a new required argument or one made optional does (required parameters, the
//!   JSON body and required form fields are the positional arguments of the operation's
//!   `Client` method, in an order that is part of the API), and so does a type that becomes
//!   `#[non_exhaustive]` (its literals stop compiling; the reverse is additive) or that no
//!   longer implements a trait (typify derives `Default` only while every field is
//!   optional: a required field takes it away). (The verdict test checks this against a
//!   probe crate that uses the whole API.)
//! - **the wire**, after oasdiff's breaking-change rules: changes that leave the Rust types
//!   alone but break callers or readers. A request constraint tightened (pattern added or
//!   changed, `maxLength`/`maxItems` decreased, `minLength`/`minItems` increased), a response
//!   constraint relaxed (pattern removed or changed, a maximum raised, a minimum lowered:
//!   typify's constrained types refuse, when decoding, what the old bounds did not allow),
//!   a request field or parameter that became required or not nullable, a response field
//!   that became optional or nullable, a success status or media type removed, a security
//!   requirement added or one of its alternatives removed (an alternative added is
//!   additive: callers keep the one they use), a default changed, the server URL or a path
//!   changed; and a cross-field rule the client checks before sending that was added to a
//!   type (it refuses what it sent before).
//! - An operation the spec marks deprecated, or no longer, is additive: its method's
//!   `#[deprecated]` warns and stops nothing compiling (in a crate that denies warnings it
//!   does; cargo-semver-checks too counts it a warning, not a major change).
//!
//! Which way a type travels (`in=request`, `in=response`) decides which rules apply to its
//! fields: a type that travels both ways gets both.

use std::collections::BTreeMap;
use std::fmt;

/// Whether a change can break users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code or data that worked before may not work after.
    Breaking,
    /// Only adds: what worked before still works.
    Additive,
}

/// One classified difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// Breaking or additive.
    pub impact: Impact,
    /// What changed, in one line.
    pub description: String,
}

/// Every difference between two surfaces, breaking ones first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeReport {
    /// The changes.
    pub changes: Vec<ApiChange>,
    /// When the two surfaces are of different formats: what the older format does not
    /// record, which was therefore not compared.
    pub not_compared: Option<String>,
}

impl ChangeReport {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// How many changes are additive.
    pub fn additive(&self) -> usize {
        self.changes.len() - self.breaking()
    }

    /// `api changes: N breaking, M additive`, or `api changes: none`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            "api changes: none".to_owned()
        } else {
            format!(
                "api changes: {} breaking, {} additive",
                self.breaking(),
                self.additive()
            )
        }
    }
}

impl fmt::Display for ChangeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(note) = &self.not_compared {
            writeln!(f, "note: {note}")?;
        }
        for change in &self.changes {
            let impact = match change.impact {
                Impact::Breaking => "breaking",
                Impact::Additive => "additive",
            };
            writeln!(f, "{impact}: {}", change.description)?;
        }
        writeln!(f, "{}", self.summary())
    }
}

/// One line of a surface, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line<'a> {
    kind: &'a str,
    name: &'a str,
    /// The comma-separated core: types, requiredness, nullability.
    core: Vec<&'a str>,
    /// The ` | key=value` extras.
    extras: BTreeMap<&'a str, &'a str>,
    /// The details as written, for messages.
    details: &'a str,
}

impl<'a> Line<'a> {
    fn parse(line: &'a str) -> Line<'a> {
        let (key, details) = line.split_once(": ").unwrap_or((line, ""));
        let (kind, name) = key.split_once(' ').unwrap_or((key, ""));
        let mut parts = details.split(" | ");
        let core = parts
            .next()
            .unwrap_or_default()
            .split(", ")
            .filter(|part| !part.is_empty())
            .collect();
        let extras = parts.filter_map(|extra| extra.split_once('=')).collect();
        Line {
            kind,
            name,
            core,
            extras,
            details,
        }
    }

    fn has(&self, word: &str) -> bool {
        self.core.contains(&word)
    }

    /// The owner of a member: the type of a field, the operation of a parameter or body.
    fn owner(&self) -> Option<String> {
        let first = self.name.split('.').next().unwrap_or_default();
        match self.kind {
            "field" | "rule" | "traits" | "variant" => Some(format!("type {first}")),
            "param" | "body" | "args" | "security" | "output" | "retry" | "response"
            | "example" | "deprecated" | "paginated" => Some(format!("operation {first}")),
            _ => None,
        }
    }

    /// Which way the value travels, when the surface says (`None` in older formats).
    fn direction(&self) -> Option<Direction> {
        let way = self.extras.get("in")?;
        Some(Direction {
            request: way.contains("request"),
            response: way.contains("response"),
        })
    }

    /// The Rust type and shape, without requiredness, nullability or notes. `T` and
    /// `Option<T>` differ: code that reads the field compiles against one of them only.
    fn shape(&self) -> Vec<&'a str> {
        self.core
            .iter()
            .copied()
            .filter(|part| {
                !matches!(
                    *part,
                    "required" | "optional" | "nullable" | "unknown keys kept"
                )
            })
            .collect()
    }

    /// Whether two lines say the same: the same core, and the same extras, a value that is
    /// JSON (a default, a bound) compared as the value it holds (`5` and `5.0` are one
    /// number). Text that is not JSON, or a pattern, is compared as written.
    fn says_the_same(&self, other: &Line) -> bool {
        self.core == other.core
            && self.extras.len() == other.extras.len()
            && self.extras.iter().all(|(key, value)| {
                other
                    .extras
                    .get(key)
                    .is_some_and(|other| same_extra(key, value, other))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Direction {
    request: bool,
    response: bool,
}

impl Direction {
    /// What a line that does not say is judged as.
    const BOTH: Direction = Direction {
        request: true,
        response: true,
    };
}

/// The type a line is of (`A` of `field A.x`, of `type A`).
fn type_of<'a>(line: &Line<'a>) -> &'a str {
    line.name.split('.').next().unwrap_or_default()
}

/// Parses a surface into its lines by `<kind> <name>`, and says its format (1 when it does
/// not say).
fn parse(surface: &str) -> (u32, BTreeMap<String, Line<'_>>) {
    let mut format = 1;
    let mut lines = BTreeMap::new();
    for text in surface
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("//"))
    {
        let line = Line::parse(text);
        if line.kind == "surface-format" {
            format = line.details.trim().parse().unwrap_or(1);
            continue;
        }
        let key = if line.name.is_empty() {
            line.kind.to_owned()
        } else {
            format!("{} {}", line.kind, line.name)
        };
        lines.insert(key, line);
    }
    (format, lines)
}

/// What each format of the surface added to the one before (see `surface::FORMAT`).
const FORMATS: &[(u32, &str)] = &[
    (2, "media types, directions and constraints"),
    (3, "security schemes and cross-field rules"),
    (4, "the traits of types"),
    (
        5,
        "the order of each method's arguments; defaults; the examples of the mocks; the \
         constraints multipleOf, exclusiveMinimum, exclusiveMaximum, uniqueItems, \
         minProperties and maxProperties",
    ),
    (
        6,
        "the type of a parameter in the raw client and the mocks; the constraints of a \
         form's text fields; the fields of composed schemas as an object's; the target of \
         an alias",
    ),
    (
        7,
        "the variants of enums of alternatives: their names, what each holds, and the \
         order they are tried in",
    ),
    (8, "the operations the spec marks deprecated"),
    (9, "the pagination of operations"),
];

/// The extras format 5 added: a surface of format 4 has none of them, whatever its spec.
const FORMAT_5_EXTRAS: &[&str] = &[
    "default",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Compares two surfaces and classifies each difference (see the module's rules).
///
/// When the two surfaces are of different formats, only what both say is compared: the
/// kinds of lines and the extras the older format did not have are left out.
pub fn compare(old: &str, new: &str) -> ChangeReport {
    let (old_format, mut old) = parse(old);
    let (new_format, mut new) = parse(new);
    let mut not_compared = None;
    if old_format != new_format {
        let (older, newer) = (old_format.min(new_format), old_format.max(new_format));
        let missing: Vec<&str> = FORMATS
            .iter()
            .filter(|(format, _)| (older + 1..=newer).contains(format))
            .map(|(_, what)| *what)
            .collect();
        not_compared = Some(format!(
            "the {} surface is of format {older}, the {} of format {newer}: not compared, \
             as format {older} does not record them: {}",
            if old_format < new_format {
                "old"
            } else {
                "new"
            },
            if old_format < new_format {
                "new"
            } else {
                "old"
            },
            if missing.is_empty() {
                "nothing this generator knows of".to_owned()
            } else {
                missing.join("; ")
            }
        ));
        let kinds_of = |lines: &BTreeMap<String, Line>| {
            lines
                .values()
                .map(|line| line.kind.to_owned())
                .collect::<std::collections::BTreeSet<_>>()
        };
        let common: std::collections::BTreeSet<String> = kinds_of(&old)
            .intersection(&kinds_of(&new))
            .cloned()
            .collect();
        // Format 1 had no extras, format 4 no defaults, format 5 no raw types and no
        // constraints of a form's text fields.
        let no_extras = older < 2;
        let no_defaults = older < 5;
        let no_raw = older < 6;
        // Against format 5 or before: the types whose lines format 6 writes otherwise
        // (composed schemas, aliases) are left out, and so is a direction only format 6
        // says (forms' schemas, composed members).
        let older_lines = if old_format == older { &old } else { &new };
        let mut written_otherwise = std::collections::BTreeSet::new();
        let mut says_direction = std::collections::BTreeSet::new();
        if no_raw {
            for line in older_lines.values() {
                if line.core.contains(&"composed") || line.details == "alias of another schema" {
                    written_otherwise.insert(type_of(line).to_owned());
                }
                if line.extras.contains_key("in") {
                    says_direction.insert(line.name.to_owned());
                }
            }
        }
        for lines in [&mut old, &mut new] {
            lines.retain(|_, line| {
                common.contains(line.kind) && !written_otherwise.contains(type_of(line))
            });
            for line in lines.values_mut() {
                if no_extras {
                    line.extras.clear();
                }
                if no_defaults {
                    line.extras.retain(|key, _| {
                        !FORMAT_5_EXTRAS.contains(&key.rsplit('.').next().unwrap_or(key))
                    });
                }
                if no_raw {
                    line.extras.remove("raw");
                    if !says_direction.contains(line.name) {
                        line.extras.remove("in");
                    }
                    let text_part = line.kind == "body"
                        && line.core.contains(&"String")
                        && line.extras.get("media") == Some(&"multipart/form-data");
                    if text_part {
                        line.extras.retain(|key, _| *key == "media");
                    }
                }
            }
        }
    }

    // An operation removed is one line: what belongs to it goes with it, and the types
    // only it sent or read no longer travel that way (which breaks nothing).
    let removed_operations: std::collections::BTreeSet<&String> = old
        .keys()
        .filter(|key| key.starts_with("operation ") && !new.contains_key(*key))
        .collect();
    let goes_with_an_operation = |line: &Line| {
        line.owner()
            .is_some_and(|owner| removed_operations.contains(&owner))
    };
    let mut changes = Vec::new();
    for (key, before) in &old {
        match new.get(key) {
            // Arguments come and go with their parameter or body, whose lines say so.
            None if before.kind == "args" => {}
            None if goes_with_an_operation(before) => {}
            // A rule checked before sending a type that is no longer sent.
            None if before.kind == "rule" && no_longer_sent(before, &old, &new) => {}
            None => changes.push(removed(key, before)),
            Some(after)
                if !removed_operations.is_empty() && only_travels_fewer_ways(before, after) => {}
            Some(after) if !before.says_the_same(after) => {
                changes.extend(changed(key, before, after))
            }
            Some(_) => {}
        }
    }
    for (key, line) in &new {
        if !old.contains_key(key) && line.kind != "args" {
            changes.push(added(key, line, &old));
        }
    }
    changes.sort_by(|a, b| (a.impact, &a.description).cmp(&(b.impact, &b.description)));
    changes.dedup();
    ChangeReport {
        changes,
        not_compared,
    }
}

/// Whether the type of a member was sent (`in=request`) before and no longer is.
fn no_longer_sent(
    member: &Line,
    old: &BTreeMap<String, Line>,
    new: &BTreeMap<String, Line>,
) -> bool {
    let Some(owner) = member.owner() else {
        return false;
    };
    let sent = |lines: &BTreeMap<String, Line>| {
        lines
            .get(&owner)
            .and_then(Line::direction)
            .is_some_and(|way| way.request)
    };
    sent(old) && new.contains_key(&owner) && !sent(new)
}

/// Whether a line changed only in travelling fewer ways (`in=request+response` to
/// `in=response`, or to none): what removed its last use says so.
fn only_travels_fewer_ways<'a>(before: &Line<'a>, after: &Line<'a>) -> bool {
    fn others<'a>(line: &Line<'a>) -> (Vec<&'a str>, BTreeMap<&'a str, &'a str>) {
        let mut extras = line.extras.clone();
        extras.remove("in");
        (line.core.clone(), extras)
    }
    let ways = |line: &Line| {
        line.direction().unwrap_or(Direction {
            request: false,
            response: false,
        })
    };
    let (old, new) = (ways(before), ways(after));
    others(before) == others(after)
        && old != new
        && (old.request || !new.request)
        && (old.response || !new.response)
}

fn change(impact: Impact, description: String) -> ApiChange {
    ApiChange {
        impact,
        description,
    }
}

fn removed(key: &str, line: &Line) -> ApiChange {
    let what = if line.details.is_empty() {
        format!("removed {key}")
    } else {
        format!("removed {key} ({})", line.details)
    };
    // What callers no longer face: a security requirement, a rule checked before sending.
    // (An error status is no longer faced either, since every error is `Error` whatever its
    // status, but the mock's responder of that status goes with it.)
    // And a deprecation withdrawn: the `#[deprecated]` warning goes, nothing stops compiling.
    if line.kind == "security" || line.kind == "rule" || line.kind == "deprecated" {
        return change(Impact::Additive, what);
    }
    if line.kind == "example" {
        return change(
            Impact::Breaking,
            format!("{what}: the function is gone from the mock feature"),
        );
    }
    if line.kind == "response"
        && let Some(status) = status_of(line.name).filter(|status| *status >= 400)
    {
        return change(
            Impact::Breaking,
            format!(
                "{what}: the mock's responder of status {status} (`then.{}`) is gone",
                crate::mock::status_method(status)
            ),
        );
    }
    change(Impact::Breaking, what)
}

fn status_of(name: &str) -> Option<u16> {
    name.rsplit('.').next()?.parse().ok()
}

fn added(key: &str, line: &Line, old: &BTreeMap<String, Line>) -> ApiChange {
    let details = if line.details.is_empty() {
        String::new()
    } else {
        format!(" ({})", line.details)
    };
    let owner_existed = line.owner().is_some_and(|owner| old.contains_key(&owner));
    let required = line.has("required");
    // A new member of something that existed: required parameters and bodies break callers,
    // a required field breaks those who send the type, a security requirement all callers,
    // a rule those who send what it now refuses.
    let breaks = owner_existed
        && match line.kind {
            "rule" => true,
            "param" | "body" => required,
            "field" => required && line.direction().is_none_or(|way| way.request),
            "security" => !alternatives(line).contains(&"none"),
            _ => false,
        };
    let (impact, verb) = if breaks && line.kind == "rule" {
        (Impact::Breaking, "added")
    } else if breaks {
        (Impact::Breaking, "added required")
    } else {
        (Impact::Additive, "added")
    };
    // A required field of a type only read breaks no code and no reader; but its builder,
    // which tests use to make answers for mocks, now fails at run time without it. Said, not
    // counted: only test code is affected, and only when it runs.
    let note = if !breaks && owner_existed && line.kind == "field" && required {
        "; values built with the builder (answers for mocks) must now set it"
    } else {
        ""
    };
    change(impact, format!("{verb} {key}{details}{note}"))
}

fn changed(key: &str, before: &Line, after: &Line) -> Vec<ApiChange> {
    let says = |why: &str| format!("{key}: {why} ({} -> {})", before.details, after.details);
    match before.kind {
        "field" | "param" | "body" => member_changed(key, before, after),
        "traits" => traits_changed(before, after),
        "args" => args_changed(key, before, after),
        // Retries are behaviour, not contract: what worked still works.
        "retry" => vec![change(Impact::Additive, says("retries changed"))],
        // The items' type is that of `items()`'s stream; the parameter and properties the
        // pages are read by are the wire's, which the client follows.
        "paginated" if before.core == after.core => {
            vec![change(Impact::Additive, says("paged another way"))]
        }
        // A newtype's constraints are on its line.
        "type" if before.core == after.core => {
            let way = after
                .direction()
                .or(before.direction())
                .unwrap_or(Direction::BOTH);
            let mut out = constraints_changed(key, before, after, way);
            out.extend(default_changed(key, before, after));
            if out.is_empty() {
                vec![change(Impact::Additive, says("travels another way"))]
            } else {
                out
            }
        }
        // The same kind of type, only `#[non_exhaustive]` added or removed.
        "type" if kind_of_type(before) == kind_of_type(after) => {
            if after.has("non_exhaustive") {
                let why = if before.core.iter().any(|word| word.starts_with("enum")) {
                    "became non_exhaustive: a `match` on it needs a wildcard arm"
                } else {
                    "became non_exhaustive: it is built through its builder, not as a literal"
                };
                vec![change(Impact::Breaking, says(why))]
            } else {
                vec![change(
                    Impact::Additive,
                    says("no longer non_exhaustive: it can also be built as a literal"),
                )]
            }
        }
        "response" if before.core == after.core => media_changed(key, before, after),
        // Every error is `Error` through the front door, but the raw client's error type
        // and the mock's responder take the error's schema.
        "response" if status_of(before.name).is_some_and(|s| s >= 400) => vec![change(
            Impact::Breaking,
            says(
                "error answer changed: the raw client's error type and the mock's responder take another type",
            ),
        )],
        "security" => security_changed(key, before, after),
        "server" => servers_changed(key, before, after),
        // An untagged enum decodes into the first alternative that fits: moved, a variant
        // may take values another took before, or lose them.
        "variant" if before.core == after.core => vec![change(
            Impact::Breaking,
            says("tried in another order: a value may now decode into another variant"),
        )],
        "variant" => vec![change(
            Impact::Breaking,
            says("holds another type: code that builds or matches it breaks"),
        )],
        _ => vec![change(Impact::Breaking, says("changed"))],
    }
}

/// The servers: one added breaks nobody (the client's base URL is its own setting, and every
/// server callers used is still there); one removed or changed breaks those who call it
/// (oasdiff's rule).
fn servers_changed(key: &str, before: &Line, after: &Line) -> Vec<ApiChange> {
    let urls = |line: &Line| -> Vec<String> {
        line.details
            .split(", ")
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (old, new) = (urls(before), urls(after));
    let gone: Vec<&String> = old.iter().filter(|url| !new.contains(url)).collect();
    // The first server is the client's `DEFAULT_BASE_URL`: another one first moves every
    // client that does not set a base URL, though no server went away.
    let default_moved = old.first() != new.first();
    let impact = if gone.is_empty() && !default_moved {
        Impact::Additive
    } else {
        Impact::Breaking
    };
    let why = if gone.is_empty() && default_moved {
        format!(
            "the default base URL changed ({} -> {}): clients that set none call another \
             server",
            old.first().map_or("none", String::as_str),
            new.first().map_or("none", String::as_str)
        )
    } else if gone.is_empty() {
        "server added".to_owned()
    } else {
        format!(
            "server removed or changed ({}): callers of it break",
            gone.iter()
                .map(|url| url.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    vec![change(
        impact,
        format!("{key}: {why} ({} -> {})", before.details, after.details),
    )]
}

/// The alternatives of a security line (`apiKey or bearer`): each one is enough, `none`
/// meaning no key at all.
fn alternatives<'a>(line: &Line<'a>) -> Vec<&'a str> {
    line.details.split(" or ").map(str::trim).collect()
}

/// Security requirements are alternatives: callers use one of them. One added leaves
/// every caller as it was; one gone refuses those who used it; `none` among them means no
/// key is needed at all.
fn security_changed(key: &str, before: &Line, after: &Line) -> Vec<ApiChange> {
    let (old, new) = (alternatives(before), alternatives(after));
    let says = |impact: Impact, why: String| {
        vec![change(
            impact,
            format!("{key}: {why} ({} -> {})", before.details, after.details),
        )]
    };
    if new.contains(&"none") && !old.contains(&"none") {
        return says(Impact::Additive, "no longer required".to_owned());
    }
    // An alternative is a set of schemes used together (`a + b`); callers who use an old
    // one are still let in when some new alternative asks for no more than it does.
    let schemes = |alternative: &str| -> std::collections::BTreeSet<String> {
        alternative.split(" + ").map(str::to_owned).collect()
    };
    let still_let_in = |old_one: &str| {
        let have = schemes(old_one);
        new.iter().any(|new_one| schemes(new_one).is_subset(&have))
    };
    let lost: Vec<&str> = old.iter().copied().filter(|a| !still_let_in(a)).collect();
    let gained: Vec<&str> = new.iter().copied().filter(|a| !old.contains(a)).collect();
    if !lost.is_empty() {
        says(
            Impact::Breaking,
            format!(
                "alternative removed: {}, callers who use it are refused",
                lost.join(", ")
            ),
        )
    } else if !gained.is_empty() {
        says(
            Impact::Additive,
            format!("alternative added: {}", gained.join(", ")),
        )
    } else {
        // The same alternatives in another order.
        Vec::new()
    }
}

/// The traits a type implements: one it no longer implements breaks the code that uses it
/// (`X::default()` once a required field takes typify's `Default` away), a new one breaks
/// nothing.
fn traits_changed(before: &Line, after: &Line) -> Vec<ApiChange> {
    let ty = before.name;
    let lost = before.core.iter().filter(|t| !after.core.contains(t));
    let gained = after.core.iter().filter(|t| !before.core.contains(t));
    lost.map(|t| change(Impact::Breaking, format!("removed impl {t} for {ty}")))
        .chain(gained.map(|t| change(Impact::Additive, format!("added impl {t} for {ty}"))))
        .collect()
}

/// The positional arguments of a `Client` method: an argument added or gone is its
/// parameter's or body's line to report; the arguments both have, in another order, are a
/// change no other line shows (and that compiles when the swapped types are the same).
fn args_changed(key: &str, before: &Line, after: &Line) -> Vec<ApiChange> {
    let kept = |line: &Line<'_>, other: &Line<'_>| -> Vec<String> {
        line.core
            .iter()
            .filter(|arg| other.core.contains(arg))
            .map(|arg| (*arg).to_owned())
            .collect()
    };
    if kept(before, after) == kept(after, before) {
        return Vec::new();
    }
    let op = before.name;
    vec![change(
        Impact::Breaking,
        format!(
            "{key}: arguments of `Client::{op}` reordered ({} -> {}): calls that compile \
             against both pass their values in other places",
            before.details, after.details
        ),
    )]
}

/// A type line's core without `non_exhaustive`: what kind of type it is.
fn kind_of_type<'a>(line: &Line<'a>) -> Vec<&'a str> {
    line.core
        .iter()
        .copied()
        .filter(|word| *word != "non_exhaustive")
        .collect()
}

fn media_changed(key: &str, before: &Line, after: &Line) -> Vec<ApiChange> {
    let media = |line: &Line| -> Vec<String> {
        line.extras
            .get("media")
            .map(|m| m.split(' ').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let (old, new) = (media(before), media(after));
    let lost: Vec<&String> = old.iter().filter(|m| !new.contains(m)).collect();
    if lost.is_empty() {
        vec![change(
            Impact::Additive,
            format!(
                "{key}: media type added ({} -> {})",
                before.details, after.details
            ),
        )]
    } else {
        vec![change(
            Impact::Breaking,
            format!(
                "{key}: media type removed: {} ({} -> {})",
                lost.iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                before.details,
                after.details
            ),
        )]
    }
}

/// A field, parameter or body whose line changed: its Rust type, requiredness, nullability
/// and constraints, each judged by which way the value travels.
fn member_changed(key: &str, before: &Line, after: &Line) -> Vec<ApiChange> {
    let says = |impact: Impact, why: String| {
        change(
            impact,
            format!("{key}: {why} ({} -> {})", before.details, after.details),
        )
    };
    if before.shape() != after.shape() {
        return vec![says(Impact::Breaking, "type changed".to_owned())];
    }
    // Parameters and bodies are sent; fields travel as their type says. An older surface
    // does not say: then a field is judged both ways.
    let way = match before.kind {
        "param" | "body" => Direction {
            request: true,
            response: false,
        },
        _ => after
            .direction()
            .or(before.direction())
            .unwrap_or(Direction::BOTH),
    };
    let mut out = Vec::new();
    let (was_required, is_required) = (before.has("required"), after.has("required"));
    if is_required && !was_required {
        let impact = if way.request {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        out.push(says(impact, "became required".to_owned()));
    }
    if was_required && !is_required {
        if matches!(before.kind, "param" | "body") {
            // Required parameters, the JSON body and required form fields are the
            // positional arguments of the operation's `Client` method: the wire would
            // accept the old calls, the compiler does not.
            let op = before.name.split('.').next().unwrap_or_default();
            out.push(says(
                Impact::Breaking,
                format!(
                    "became optional: no longer an argument of `Client::{op}` (calls that \
                     pass it stop compiling; it has a setter instead)"
                ),
            ));
        } else {
            let impact = if way.response {
                Impact::Breaking
            } else {
                Impact::Additive
            };
            out.push(says(impact, "became optional".to_owned()));
        }
    }
    let (was_nullable, is_nullable) = (before.has("nullable"), after.has("nullable"));
    if is_nullable && !was_nullable {
        let impact = if way.response {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        out.push(says(impact, "became nullable".to_owned()));
    }
    if was_nullable && !is_nullable {
        let impact = if way.request {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        out.push(says(impact, "is no longer nullable".to_owned()));
    }
    out.extend(constraints_changed(key, before, after, way));
    out.extend(default_changed(key, before, after));
    out.extend(raw_type_changed(key, before, after));
    let direction_changed = before.extras.get("in") != after.extras.get("in");
    if out.is_empty() {
        let why = if direction_changed {
            "travels another way"
        } else {
            "changed"
        };
        out.push(says(Impact::Additive, why.to_owned()));
    }
    out
}

/// A parameter's type in the raw client and the mocks (`raw=`, written only where it is not
/// the front door's): `When::limit(50_i64)` and `Client::raw()`'s `.limit(..)` stop
/// compiling when it changes, though the front door's type stays.
fn raw_type_changed(key: &str, before: &Line, after: &Line) -> Option<ApiChange> {
    if before.kind != "param" {
        return None;
    }
    // `query, optional, i64`: the front door's type is the third word.
    let raw = |line: &Line| -> String {
        line.extras
            .get("raw")
            .or(line.core.get(2))
            .map(|raw| (*raw).to_owned())
            .unwrap_or_default()
    };
    let (old, new) = (raw(before), raw(after));
    (old != new).then(|| {
        change(
            Impact::Breaking,
            format!(
                "{key}: type in the raw client and the mocks changed ({old} -> {new}): code \
                 passing it to `Client::raw()`'s builder or the mock's `When` stops compiling \
                 ({} -> {})",
                before.details, after.details
            ),
        )
    })
}

/// The default: what the client sends, or reads, when nothing sets the value (a parameter's
/// the server applies). One changed: the same code sends or gets another value. One gone
/// while the type stays: what relied on it (a builder left unset, an answer without the
/// value) now fails or is sent without it. One added: a value where there was none. (A
/// default added or gone usually changes the Rust type as well, `Option<T>` to `T`: that
/// is reported as a type change before this is looked at.)
fn default_changed(key: &str, before: &Line, after: &Line) -> Option<ApiChange> {
    let (old, new) = (before.extras.get("default"), after.extras.get("default"));
    let why = match (old, new) {
        (Some(old), Some(new)) if !same_json(old, new) => {
            let who = if before.kind == "param" {
                "calls that leave it out get another value (the server applies it)"
            } else {
                "code that leaves it unset sends or reads another value"
            };
            (Impact::Breaking, format!("default {old} -> {new}: {who}"))
        }
        (Some(old), None) => (
            Impact::Breaking,
            format!("default removed (was {old}): what left it unset relied on it"),
        ),
        (None, Some(new)) => (Impact::Additive, format!("default added ({new})")),
        _ => return None,
    };
    Some(change(
        why.0,
        format!("{key}: {} ({} -> {})", why.1, before.details, after.details),
    ))
}

/// Whether an extra's two values are one: the same text, or the same JSON value (`5` and
/// `5.0`) unless the extra is a pattern, which is text.
fn same_extra(key: &str, old: &str, new: &str) -> bool {
    old == new || (key.rsplit('.').next() != Some("pattern") && same_json(old, new))
}

/// How a new numeric bound stands to the old, `None` when either is not a number: integers
/// exactly (as floats, 2^63 - 1 and 2^63 - 2 are one number), others as floats.
fn numeric_order(old: &str, new: &str) -> Option<std::cmp::Ordering> {
    match (old.parse::<i128>(), new.parse::<i128>()) {
        (Ok(old), Ok(new)) => Some(new.cmp(&old)),
        _ => new
            .parse::<f64>()
            .ok()?
            .partial_cmp(&old.parse::<f64>().ok()?),
    }
}

/// Two recorded JSON texts that hold the same value: `5` and `5.0` are one number (the
/// client sends and reads the same Rust value for either), keys in any order are one object.
/// Texts that do not parse are compared as written.
fn same_json(old: &str, new: &str) -> bool {
    fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (a, b) {
            // Integers exactly (`as_f64` would make 2^63 - 1 and 2^63 - 2 one number); a
            // float against a number by value.
            (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
                a.as_f64() == b.as_f64()
            }
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
            }
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }
    match (
        serde_json::from_str::<serde_json::Value>(old),
        serde_json::from_str::<serde_json::Value>(new),
    ) {
        (Ok(a), Ok(b)) => same(&a, &b),
        _ => old == new,
    }
}

/// Each constraint that changed, judged by which way the value travels. A tighter one
/// refuses values that passed: callers' requests (the client checks them, then the
/// server). A looser one lets the server answer values that did not pass: an old client
/// refuses them (typify's constrained types check what they decode) or its readers do not
/// expect them (oasdiff's rule). A tighter response constraint is the server promising
/// less: old clients accept all it sends.
fn constraints_changed(key: &str, before: &Line, after: &Line, way: Direction) -> Vec<ApiChange> {
    constraint_changes(before, after)
        .into_iter()
        .map(|(name, tightens, relaxes)| {
            let breaks_senders = tightens && way.request;
            let breaks_readers = relaxes && way.response;
            let why = match (breaks_senders, breaks_readers) {
                (true, true) => format!(
                    "{name} changed: it may refuse what callers sent, and allow answers an old \
                     client refuses"
                ),
                (false, true) if tightens => format!(
                    "{name} changed: answers may hold values an old client refuses or does \
                     not expect (and may lack others)"
                ),
                (false, true) => format!(
                    "{name} relaxed: answers may hold values an old client refuses or does \
                     not expect"
                ),
                (true, false) if relaxes => {
                    format!("{name} changed: it may refuse what callers sent (and may allow other values)")
                }
                (true, false) => format!("{name} tightened"),
                (false, false) if tightens && relaxes => format!("{name} changed"),
                (false, false) if tightens => format!("{name} tightened"),
                (false, false) => format!("{name} relaxed"),
            };
            let impact = if breaks_senders || breaks_readers {
                Impact::Breaking
            } else {
                Impact::Additive
            };
            change(
                impact,
                format!("{key}: {why} ({} -> {})", before.details, after.details),
            )
        })
        .collect()
}

/// Each constraint that differs, whether it got tighter (may refuse what passed) and
/// whether it got looser (may allow what did not); a pattern changed may do both.
fn constraint_changes(before: &Line, after: &Line) -> Vec<(String, bool, bool)> {
    let keys: std::collections::BTreeSet<&str> = before
        .extras
        .keys()
        .chain(after.extras.keys())
        .copied()
        .filter(|key| !matches!(*key, "in" | "media" | "default" | "raw"))
        .collect();
    let mut out = Vec::new();
    for key in keys {
        let (old, new) = (before.extras.get(key), after.extras.get(key));
        let base = key.rsplit('.').next().unwrap_or(key);
        // The same value written another way (`5`, `5.0`) has not moved.
        let same = match (old, new) {
            (Some(old), Some(new)) => same_extra(key, old, new),
            (old, new) => old == new,
        };
        if same {
            continue;
        }
        let number = |value: Option<&&str>| value.and_then(|v| v.parse::<f64>().ok());
        let order = || {
            old.zip(new)
                .and_then(|(old, new)| numeric_order(old, new))
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        let (tightens, relaxes) = match base {
            // A pattern added may refuse values, one removed may allow them; one changed
            // may do both: an equivalent rewrite cannot be told from another without
            // solving regexes.
            "pattern" => (new.is_some(), old.is_some()),
            "contentType" => {
                let types = |value: Option<&&str>| -> Vec<String> {
                    value
                        .map(|v| v.split(' ').map(str::to_owned).collect())
                        .unwrap_or_default()
                };
                let (old_types, new_types) = (types(old), types(new));
                match (old, new) {
                    (Some(_), Some(_)) => (
                        old_types.iter().any(|t| !new_types.contains(t)),
                        new_types.iter().any(|t| !old_types.contains(t)),
                    ),
                    (None, Some(_)) => (true, false),
                    _ => (false, true),
                }
            }
            "maxLength" | "maxItems" | "maxProperties" | "maximum" => {
                match (number(old), number(new)) {
                    (Some(_), Some(_)) => (order().is_lt(), order().is_gt()),
                    (None, Some(_)) => (true, false),
                    _ => (false, true),
                }
            }
            "minLength" | "minItems" | "minProperties" | "minimum" => {
                match (number(old), number(new)) {
                    (Some(_), Some(_)) => (order().is_gt(), order().is_lt()),
                    (None, Some(_)) => (true, false),
                    _ => (false, true),
                }
            }
            // Flags: there, they refuse what passed without them.
            "uniqueItems" | "exclusiveMinimum" | "exclusiveMaximum" => {
                (new.is_some(), old.is_some())
            }
            // The multiples of `new` are among those of `old` when `new` is a multiple of
            // `old`, and the other way round.
            "multipleOf" => match (number(old), number(new)) {
                (Some(old), Some(new)) => {
                    let divides = |a: f64, b: f64| b != 0.0 && (a / b).fract() == 0.0;
                    (!divides(old, new), !divides(new, old))
                }
                (None, Some(_)) => (true, false),
                _ => (false, true),
            },
            // A keyword this code does not know: it may move either way.
            _ => (true, true),
        };
        let what = match (old, new) {
            (None, Some(new)) => format!("{key} added ({new})"),
            (Some(old), None) => format!("{key} removed (was {old})"),
            (Some(old), Some(new)) => format!("{key} {old} -> {new},"),
            (None, None) => unreachable!("one side has the key"),
        };
        out.push((what.trim_end_matches(',').to_owned(), tightens, relaxes));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMAT: &str = "surface-format: 6\n";

    fn report(old: &str, new: &str) -> String {
        compare(&format!("{FORMAT}{old}"), &format!("{FORMAT}{new}")).to_string()
    }

    /// The first line of the report: the change an edit of one line makes.
    fn first_change(old: &str, new: &str) -> String {
        report(old, new)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// A struct `A` that travels `way`, with one required field `x` of type `ty` and
    /// `extras` (` | key=value`...).
    fn one_field(way: &str, ty: &str, extras: &str) -> String {
        format!("type A: struct | in={way}\nfield A.x: {ty}, required | in={way}{extras}\n")
    }

    #[test]
    fn response_fields_may_grow_request_fields_may_shrink() {
        // Optional -> required: breaks senders, not readers; required -> optional the reverse.
        // `Option<T>` <-> `T` is a change of Rust type: readers break, whichever way.
        let old =
            "type A: struct | in=response\nfield A.x: Option<String>, optional | in=response\n";
        let new = "type A: struct | in=response\nfield A.x: String, required | in=response\n";
        assert!(report(old, new).contains("breaking: field A.x: type changed"));
        assert!(report(new, old).contains("breaking: field A.x: type changed"));
        let old = "field A.x: Option<String>, optional | in=request\n";
        let new = "field A.x: Option<String>, required | in=request\n";
        assert!(report(old, new).starts_with("breaking: field A.x: became required"));
        let new_response = "field A.x: Option<String>, required | in=response\n";
        let old_response = "field A.x: Option<String>, optional | in=response\n";
        assert!(
            report(old_response, new_response).starts_with("additive: field A.x: became required")
        );
        assert!(
            report(new_response, old_response).starts_with("breaking: field A.x: became optional")
        );
        assert!(report(new, old).starts_with("additive: field A.x: became optional"));
    }

    #[test]
    fn nullability_by_direction() {
        let plain = "field A.x: Option<String>, optional | in=response\n";
        let nullable = "field A.x: Option<String>, optional, nullable | in=response\n";
        assert!(report(plain, nullable).starts_with("breaking: field A.x: became nullable"));
        assert!(report(nullable, plain).starts_with("additive: field A.x: is no longer nullable"));
        let plain = "field A.x: Option<String>, optional | in=request\n";
        let nullable = "field A.x: Option<String>, optional, nullable | in=request\n";
        assert!(report(plain, nullable).starts_with("additive: field A.x: became nullable"));
        assert!(report(nullable, plain).starts_with("breaking: field A.x: is no longer nullable"));
    }

    #[test]
    fn request_constraints_tightened_break_relaxed_do_not() {
        let base = "param op.p: query, required, String | maxLength=16 | minLength=2\n";
        let shorter = "param op.p: query, required, String | maxLength=10 | minLength=2\n";
        let longer = "param op.p: query, required, String | maxLength=20 | minLength=2\n";
        let more = "param op.p: query, required, String | maxLength=16 | minLength=3\n";
        let pattern =
            "param op.p: query, required, String | maxLength=16 | minLength=2 | pattern=^a$\n";
        assert!(
            report(base, shorter).starts_with("breaking: param op.p: maxLength 16 -> 10 tightened")
        );
        assert!(
            report(base, longer).starts_with("additive: param op.p: maxLength 16 -> 20 relaxed")
        );
        assert!(report(base, more).starts_with("breaking: param op.p: minLength 2 -> 3 tightened"));
        assert!(
            report(base, pattern)
                .starts_with("breaking: param op.p: pattern added (^a$) tightened")
        );
        assert!(
            report(pattern, base)
                .starts_with("additive: param op.p: pattern removed (was ^a$) relaxed")
        );
        // A response field's constraint tightened: the server promises less, and old
        // clients accept all it sends.
        let old = "field A.x: String, required | in=response | maxLength=16\n";
        let new = "field A.x: String, required | in=response | maxLength=8\n";
        assert!(report(old, new).starts_with("additive:"));
    }

    /// A response constraint relaxed lets the server send what an old client refuses:
    /// typify's constrained types check what they decode (`maxLength` 10 -> 30 and the
    /// 20-character answer fails to decode), and oasdiff calls it breaking. A type that
    /// travels both ways breaks whichever way its constraint moves; the constraints of a
    /// newtype's own line are judged the same way as a field's.
    #[test]
    fn response_constraints_relaxed_break_old_readers() {
        let first = |way: &str, old: &str, new: &str| {
            first_change(
                &one_field(way, "String", old),
                &one_field(way, "String", new),
            )
        };
        for (old, new, what) in [
            (" | maxLength=10", " | maxLength=30", "maxLength 10 -> 30"),
            (" | minLength=5", " | minLength=1", "minLength 5 -> 1"),
            (" | minLength=5", "", "minLength removed (was 5)"),
            (" | pattern=^a$", "", "pattern removed (was ^a$)"),
            (" | maxItems=2", " | maxItems=3", "maxItems 2 -> 3"),
            (" | maximum=2", " | maximum=3", "maximum 2 -> 3"),
            (" | minimum=2", " | minimum=1", "minimum 2 -> 1"),
            (
                " | items.maxLength=2",
                " | items.maxLength=3",
                "items.maxLength 2 -> 3",
            ),
        ] {
            assert!(
                first("response", old, new).starts_with(&format!(
                    "breaking: field A.x: {what} relaxed: answers may hold values an old \
                     client refuses or does not expect"
                )),
                "{what}: {}",
                first("response", old, new)
            );
            assert!(
                first("request+response", old, new).starts_with("breaking: "),
                "{what}"
            );
            assert!(
                first("request", old, new).starts_with("additive: "),
                "{what}"
            );
            // The other way: tighter, which breaks senders only.
            assert!(
                first("response", new, old).starts_with("additive: "),
                "{what}"
            );
            assert!(
                first("request+response", new, old).starts_with("breaking: "),
                "{what}"
            );
            assert!(
                first("request", new, old).starts_with("breaking: "),
                "{what}"
            );
        }
        // A pattern changed may refuse what matched and accept what did not: it breaks
        // both ways.
        let (old, new) = (" | pattern=^a", " | pattern=^b");
        for way in ["request", "response", "request+response"] {
            assert!(first(way, old, new).starts_with("breaking: "), "{way}");
        }
        assert!(first("response", "", " | pattern=^a").starts_with("additive: "));
        // A newtype's constraints are on its type line.
        let newtype = |way: &str, max: &str| {
            format!("type N: newtype of String | in={way} | maxLength={max}\n")
        };
        assert!(
            report(&newtype("response", "10"), &newtype("response", "30"))
                .starts_with("breaking: type N: maxLength 10 -> 30 relaxed")
        );
        assert!(
            report(&newtype("request", "30"), &newtype("request", "10"))
                .starts_with("breaking: type N: maxLength 30 -> 10 tightened")
        );
        assert!(
            report(&newtype("request", "10"), &newtype("request", "30"))
                .starts_with("additive: type N: maxLength 10 -> 30 relaxed")
        );
    }

    /// Formats 2 to 4 recorded constraints: against one of them, a constraint changed is
    /// still judged (only format 1 had no extras at all).
    #[test]
    fn constraints_are_compared_against_formats_that_had_them() {
        let field = |extras: &str| format!("field A.x: String, optional | in=request{extras}\n");
        for format in 2..5 {
            let report = compare(
                &format!("surface-format: {format}\n{}", field(" | maxLength=10")),
                &format!("{FORMAT}{}", field(" | maxLength=5")),
            )
            .to_string();
            assert!(
                report.contains("breaking: field A.x: maxLength 10 -> 5 tightened"),
                "format {format}: {report}"
            );
        }
        let report = compare(
            &format!("surface-format: 1\n{}", field("")),
            &format!("{FORMAT}{}", field(" | maxLength=5")),
        );
        assert!(report.changes.is_empty(), "{report}");
    }

    /// A type that stops travelling one way, with no operation removed, is said (only the
    /// lines of a removed operation's types go without a word).
    #[test]
    fn a_type_travelling_fewer_ways_is_said_when_no_operation_went() {
        let report = report(
            "type A: struct | in=request+response\n",
            "type A: struct | in=response\n",
        );
        assert!(
            report.starts_with("additive: type A: travels another way"),
            "{report}"
        );
    }

    /// When an operation goes, only lines that changed in nothing but travelling fewer ways
    /// go unsaid: any other change beside it is reported.
    #[test]
    fn an_operation_removed_silences_only_lines_that_travel_fewer_ways() {
        let old = "operation gone: GET /g\n\
                   field A.x: String, required | in=request\n\
                   field B.y: String, required | in=request+response | maxLength=5\n\
                   field C.z: String, required | in=request+response\n\
                   field D.w: String, required | in=response\n\
                   field E.v: String, required | in=request\n";
        let new = "field A.x: i64, required | in=request\n\
                   field B.y: String, required | in=response | maxLength=9\n\
                   field C.z: String, required | in=response\n\
                   field D.w: String, required | in=none\n\
                   field E.v: String, required | in=none\n";
        let report = report(old, new);
        assert!(
            report.contains("breaking: field A.x: type changed"),
            "{report}"
        );
        assert!(report.contains("field B.y: maxLength 5 -> 9"), "{report}");
        for silent in ["C.z", "D.w", "E.v"] {
            assert!(!report.contains(silent), "{silent}: {report}");
        }
        assert!(
            report.contains("breaking: removed operation gone"),
            "{report}"
        );
    }

    /// A constraint of a type that travels no way breaks no one, and its change is named
    /// for what it is: a pattern changed is "changed", a bound moved "tightened" or
    /// "relaxed".
    #[test]
    fn a_constraint_of_a_type_that_travels_nowhere_is_named_and_additive() {
        let first = |old: &str, new: &str| {
            first_change(
                &one_field("none", "String", old),
                &one_field("none", "String", new),
            )
        };
        assert!(
            first(" | pattern=^a$", " | pattern=^b$")
                .starts_with("additive: field A.x: pattern ^a$ -> ^b$ changed ("),
            "{}",
            first(" | pattern=^a$", " | pattern=^b$")
        );
        assert!(
            first(" | maxLength=3", " | maxLength=2")
                .starts_with("additive: field A.x: maxLength 3 -> 2 tightened (")
        );
        assert!(
            first(" | maxLength=2", " | maxLength=3")
                .starts_with("additive: field A.x: maxLength 2 -> 3 relaxed (")
        );
    }

    /// A bound written another way (`5` and `5.0`) is the same bound: no change at all. A
    /// pattern is text, not a number: `5` and `5.0` are two patterns.
    #[test]
    fn a_bound_written_another_way_is_no_change() {
        for (old, new) in [
            (" | minLength=5", " | minLength=5.0"),
            (" | maxLength=5", " | maxLength=5.0"),
        ] {
            let report = report(
                &one_field("response", "String", old),
                &one_field("response", "String", new),
            );
            assert_eq!(report, "api changes: none\n");
        }
        // Beside another change, the bound written another way is not said to move.
        for (old, new) in [
            (
                " | maxLength=5 | pattern=^a$",
                " | maxLength=5.0 | pattern=^b$",
            ),
            (
                " | minLength=5 | pattern=^a$",
                " | minLength=5.0 | pattern=^b$",
            ),
        ] {
            let report = report(
                &one_field("request", "String", old),
                &one_field("request", "String", new),
            );
            assert!(report.contains("pattern ^a$ -> ^b$ changed"), "{report}");
            assert!(!report.contains("Length 5 -> 5.0"), "{report}");
            assert!(
                report.ends_with("api changes: 1 breaking, 0 additive\n"),
                "{report}"
            );
        }
        let report = report(
            &one_field("request", "String", " | pattern=5"),
            &one_field("request", "String", " | pattern=5.0"),
        );
        assert!(report.contains("pattern 5 -> 5.0 changed"), "{report}");
        // An array's items' pattern is a pattern too.
        let text = self::report(
            &one_field("request", "Vec<String>", " | items.pattern=1"),
            &one_field("request", "Vec<String>", " | items.pattern=1.0"),
        );
        assert!(text.contains("items.pattern 1 -> 1.0 changed"), "{text}");
        // And a bound too large for a float's precision moves.
        let text = self::report(
            &one_field("request", "i64", " | maximum=9223372036854775807"),
            &one_field("request", "i64", " | maximum=9223372036854775806"),
        );
        assert!(text.contains("tightened"), "{text}");
    }

    /// A format 5 surface records no raw types and no constraints of a form's text fields:
    /// a format 6 surface of the same spec that has them is no change (the note says why).
    #[test]
    fn a_format_5_base_is_compared_without_raw_types_and_text_part_constraints() {
        // A direction format 6 gives a form's schema, which format 5 left unsaid, is no
        // change (the same spec asked for a minor release).
        let report = compare(
            "surface-format: 5\ntype F: struct, non_exhaustive\nfield F.file: FFile, required | maxLength=10\n",
            &format!(
                "{FORMAT}type F: struct, non_exhaustive | in=request\n\
                 field F.file: FFile, required | in=request | maxLength=10\n"
            ),
        );
        assert!(report.changes.is_empty(), "{report}");
        // Composed types and aliases, written another way by format 5, are left out.
        let report = compare(
            "surface-format: 5\ntype Both: struct, composed, non_exhaustive\n\
             field Both.x: String, composed\ntype Alias: alias of another schema\n",
            &format!(
                "{FORMAT}type Both: struct, non_exhaustive\nfield Both.x: String, required\n\
                 type Alias: alias of Thing\n"
            ),
        );
        assert!(report.changes.is_empty(), "{report}");
        let lines = |extra: &str, part: &str| {
            format!(
                "param op.limit: query, optional, i64{extra}\n\
                 body up.note: String, optional | media=multipart/form-data{part}\n\
                 body up.file: Upload, required | maxLength=10 | media=multipart/form-data\n"
            )
        };
        let report = compare(
            &format!("surface-format: 5\n{}", lines("", "")),
            &format!("{FORMAT}{}", lines(" | raw=u32", " | pattern=^a$")),
        );
        assert!(report.changes.is_empty(), "{report}");
        assert!(report.not_compared.is_some());
        // A file part's bound was recorded by format 5: still compared.
        let report = compare(
            &format!("surface-format: 5\n{}", lines("", "")),
            &format!(
                "{FORMAT}{}",
                lines("", "").replace("maxLength=10", "maxLength=5")
            ),
        );
        assert_eq!(report.breaking(), 1, "{report}");
    }

    /// A format 6 surface records raw types: against a later format they are compared
    /// (only bases older than format 6 leave them out).
    #[test]
    fn a_format_6_base_compares_raw_types_with_a_later_format() {
        let param = |raw: &str| format!("param op.limit: query, optional, i64 | raw={raw}\n");
        let report = compare(
            &format!("surface-format: 6\n{}", param("u32")),
            &format!("surface-format: 7\n{}", param("u64")),
        );
        assert_eq!(report.breaking(), 1, "{report}");
    }

    /// A format 4 surface records none of the keywords format 5 added: a format 5 surface of
    /// the same spec that has them is no change.
    #[test]
    fn a_format_4_base_is_compared_without_format_5s_keywords() {
        let field = "type A: struct | in=request\nfield A.x: Vec<String>, required | in=request";
        for extra in [
            "uniqueItems=true",
            "multipleOf=2",
            "exclusiveMinimum=true",
            "default=[]",
        ] {
            let report = compare(
                &format!("surface-format: 4\n{field}\n"),
                &format!("{FORMAT}{field} | {extra}\n"),
            );
            assert!(report.changes.is_empty(), "{extra}: {report}");
            assert!(report.not_compared.is_some());
        }
        let report = compare(
            "surface-format: 4\ntype A: struct | in=request\n",
            &format!("{FORMAT}type A: struct | in=request | minProperties=1\n"),
        );
        assert!(report.changes.is_empty(), "{report}");
    }

    /// The flags (`uniqueItems`, `exclusiveMinimum`, `exclusiveMaximum`) tighten when added
    /// and relax when removed; `multipleOf` tightens unless the new divisor divides the old,
    /// and relaxes unless the old divides the new. Judged by the way the value travels.
    #[test]
    fn flags_and_multiples_are_judged_by_direction() {
        let first = |way: &str, old: &str, new: &str| {
            first_change(&one_field(way, "i64", old), &one_field(way, "i64", new))
        };
        for flag in ["uniqueItems", "exclusiveMinimum", "exclusiveMaximum"] {
            let on = format!(" | {flag}=true");
            assert!(first("request", "", &on).starts_with(&format!(
                "breaking: field A.x: {flag} added (true) tightened"
            )));
            assert!(first("request", &on, "").starts_with(&format!(
                "additive: field A.x: {flag} removed (was true) relaxed"
            )));
            assert!(first("response", "", &on).starts_with("additive: "));
            assert!(first("response", &on, "").starts_with("breaking: "));
        }
        for (old, new, tightens, relaxes) in [
            ("", " | multipleOf=2", true, false),
            (" | multipleOf=2", "", false, true),
            (" | multipleOf=2", " | multipleOf=4", true, false),
            (" | multipleOf=4", " | multipleOf=2", false, true),
            (" | multipleOf=2", " | multipleOf=3", true, true),
            (" | multipleOf=0.5", " | multipleOf=1.5", true, false),
        ] {
            let request = first("request", old, new);
            let response = first("response", old, new);
            assert_eq!(request.starts_with("breaking: "), tightens, "{request}");
            assert_eq!(response.starts_with("breaking: "), relaxes, "{response}");
            if tightens && relaxes {
                assert!(request.contains("multipleOf 2 -> 3 changed"), "{request}");
                assert!(response.contains("multipleOf 2 -> 3 changed"), "{response}");
            }
        }
    }

    #[test]
    fn each_constraint_tightens_one_way() {
        let body = |extras: &str| format!("body op.file: Upload, required{extras}\n");
        let verdict = |old: &str, new: &str| first_change(&body(old), &body(new));
        let r =
            |what: &str, impact: &str, why: &str| format!("{impact}: body op.file: {what} {why}");
        // Upload types: one no longer accepted tightens; only new ones relax.
        let jpeg_png = " | contentType=image/jpeg image/png";
        assert!(
            verdict(jpeg_png, " | contentType=image/png").starts_with(&r(
                "contentType image/jpeg image/png -> image/png",
                "breaking",
                "tightened"
            )),
        );
        assert!(
            verdict(jpeg_png, " | contentType=image/png image/jpeg image/gif").starts_with(&r(
                "contentType image/jpeg image/png -> image/png image/jpeg image/gif",
                "additive",
                "relaxed"
            )),
        );
        // Every type replaced: each old one is lost (and a new one allowed).
        assert!(
            verdict(jpeg_png, " | contentType=image/gif").starts_with(&r(
                "contentType image/jpeg image/png -> image/gif",
                "breaking",
                "changed: it may refuse what callers sent (and may allow other values)"
            )),
        );
        assert!(verdict("", jpeg_png).starts_with(&r(
            "contentType added (image/jpeg image/png)",
            "breaking",
            "tightened"
        )));
        assert!(verdict(jpeg_png, "").starts_with(&r(
            "contentType removed (was image/jpeg image/png)",
            "additive",
            "relaxed"
        )));
        // Bounds: a maximum lowered or added, a minimum raised or added, tighten.
        for (key, looser, tighter) in [
            ("maxLength", "20", "10"),
            ("maxItems", "20", "10"),
            ("maximum", "20", "10"),
            ("minLength", "10", "20"),
            ("minItems", "10", "20"),
            ("minimum", "10", "20"),
        ] {
            let (looser, tighter) = (format!(" | {key}={looser}"), format!(" | {key}={tighter}"));
            assert!(
                verdict(&looser, &tighter).starts_with("breaking: "),
                "{key}"
            );
            assert!(
                verdict(&tighter, &looser).starts_with("additive: "),
                "{key}"
            );
            assert!(verdict("", &tighter).starts_with("breaking: "), "{key}");
            assert!(verdict(&tighter, "").starts_with("additive: "), "{key}");
            // The same bound written another way is no change.
            let same = format!("{tighter}.0");
            assert_eq!(verdict(&tighter, &same), "api changes: none", "{key}");
        }
    }

    /// Comment lines and blank lines are not part of the API: surfaces that differ only
    /// in them (a generation header, spacing) compare equal.
    #[test]
    fn comments_and_blank_lines_are_not_compared() {
        let old = "// @generated from spec sha256 aaaa\n\noperation op: GET /x\n";
        let new =
            "// @generated from spec sha256 bbbb\n// run the generator\noperation op: GET /x\n\n\n";
        assert_eq!(report(old, new), "api changes: none\n");
        assert_eq!(report(new, old), "api changes: none\n");
    }

    /// `pages()` and `items()` come and go with the pagination; the items' type is the
    /// stream's; the cursor and properties are the wire's, which the client follows.
    #[test]
    fn paginations_added_removed_and_changed() {
        let op = "operation op: GET /x\n";
        let paged = |item: &str, cursor: &str| {
            format!("{op}paginated op: {item} | cursor={cursor} | items=calls | next=id\n")
        };
        assert_eq!(
            first_change(op, &paged("Call", "before")),
            "additive: added paginated op (Call | cursor=before | items=calls | next=id)"
        );
        assert_eq!(
            first_change(&paged("Call", "before"), op),
            "breaking: removed paginated op (Call | cursor=before | items=calls | next=id)"
        );
        assert!(
            first_change(&paged("Call", "before"), &paged("Call", "after"))
                .starts_with("additive: paginated op: paged another way"),
        );
        assert!(
            first_change(&paged("Call", "before"), &paged("Record", "before"))
                .starts_with("breaking: paginated op: changed"),
        );
    }

    #[test]
    fn types_retries_and_answers_that_changed() {
        // Retries are behaviour: what worked still works.
        assert_eq!(
            report("retry op: safe\n", "retry op: not idempotent\n"),
            "additive: retry op: retries changed (safe -> not idempotent)\n\
             api changes: 0 breaking, 1 additive\n"
        );
        // The same type travelling another way; becoming non_exhaustive; anything else.
        assert_eq!(
            report(
                "type X: struct | in=response\n",
                "type X: struct | in=request+response\n"
            ),
            "additive: type X: travels another way (struct | in=response -> struct | \
             in=request+response)\napi changes: 0 breaking, 1 additive\n"
        );
        // An enum that becomes non_exhaustive needs a wildcard arm in a `match`.
        assert!(
            report(
                "type E: enum of alternatives | in=response\n",
                "type E: enum of alternatives, non_exhaustive | in=response\n"
            )
            .starts_with(
                "breaking: type E: became non_exhaustive: a `match` on it needs a wildcard arm"
            )
        );
        assert_eq!(
            report(
                "type X: struct | in=response\n",
                "type X: struct, non_exhaustive | in=response\n"
            ),
            "breaking: type X: became non_exhaustive: it is built through its builder, not as \
             a literal (struct | in=response -> struct, non_exhaustive | in=response)\n\
             api changes: 1 breaking, 0 additive\n"
        );
        assert_eq!(
            report(
                "type X: struct, non_exhaustive\n",
                "type X: enum, non_exhaustive\n"
            ),
            "breaking: type X: changed (struct, non_exhaustive -> enum, non_exhaustive)\n\
             api changes: 1 breaking, 0 additive\n"
        );
        // Literals that compiled before still do, and more of them.
        assert_eq!(
            report("type X: struct, non_exhaustive\n", "type X: struct\n"),
            "additive: type X: no longer non_exhaustive: it can also be built as a literal \
             (struct, non_exhaustive -> struct)\napi changes: 0 breaking, 1 additive\n"
        );
        // Another kind of type: changed, whatever happened to `non_exhaustive`.
        assert_eq!(
            report("type X: struct\n", "type X: enum, non_exhaustive\n"),
            "breaking: type X: changed (struct -> enum, non_exhaustive)\n\
             api changes: 1 breaking, 0 additive\n"
        );
        // An error answer's schema is the raw client's error type and what the mock's
        // responder takes; a success answer is the output.
        assert_eq!(
            report("response op.404: E\n", "response op.404: F\n"),
            "breaking: response op.404: error answer changed: the raw client's error type and \
             the mock's responder take another type (E -> F)\n\
             api changes: 1 breaking, 0 additive\n"
        );
        assert_eq!(
            report("response op.200: A\n", "response op.200: B\n"),
            "breaking: response op.200: changed (A -> B)\napi changes: 1 breaking, 0 additive\n"
        );
    }

    /// Parameters and bodies are only sent: what makes a response field break readers does
    /// not apply to them.
    #[test]
    fn parameters_travel_one_way() {
        assert_eq!(
            report("body op: B, required\n", "body op: B, required, nullable\n"),
            "additive: body op: became nullable (B, required -> B, required, nullable)\n\
             api changes: 0 breaking, 1 additive\n"
        );
        // A field whose type now also travels the other way: nothing else changed.
        assert_eq!(
            report(
                "field T.f: String, required | in=response\n",
                "field T.f: String, required | in=request+response\n"
            ),
            "additive: field T.f: travels another way (String, required | in=response -> \
             String, required | in=request+response)\napi changes: 0 breaking, 1 additive\n"
        );
    }

    /// A required parameter, JSON body or form field is a positional argument of the
    /// operation's `Client` method: made optional, the argument goes (calls that pass it stop
    /// compiling, E0061) and a setter of the request takes its place. The wire alone would
    /// call it additive; the compiler does not. The other way, a new argument, breaks too.
    #[test]
    fn a_required_argument_made_optional_leaves_the_method() {
        for (old, new) in [
            (
                "param op.q: query, required, String\n",
                "param op.q: query, optional, String\n",
            ),
            (
                "body op: B, required | media=application/json\n",
                "body op: B, optional | media=application/json\n",
            ),
            (
                "body op.file: Upload, required | media=multipart/form-data\n",
                "body op.file: Upload, optional | media=multipart/form-data\n",
            ),
        ] {
            let text = report(old, new);
            let key = old.split(": ").next().unwrap();
            assert!(
                text.starts_with(&format!(
                    "breaking: {key}: became optional: no longer an argument of `Client::op` \
                     (calls that pass it stop compiling; it has a setter instead)"
                )),
                "{text}"
            );
            assert!(
                text.ends_with("api changes: 1 breaking, 0 additive\n"),
                "{text}"
            );
            let text = report(new, old);
            assert!(
                text.starts_with(&format!("breaking: {key}: became required")),
                "{text}"
            );
        }
    }

    /// The order of a method's arguments: the ones both versions have, reordered, break
    /// calls; one added or gone is its parameter's line to report, not the order's.
    #[test]
    fn arguments_reordered_break_and_arguments_added_are_their_lines() {
        let params = "operation op: GET /x\nparam op.a: query, required, String\n\
                      param op.b: query, required, String\n";
        let text = report(
            &format!("args op: id, a, b\n{params}"),
            &format!("args op: id, b, a\n{params}"),
        );
        assert!(
            text.starts_with(
                "breaking: args op: arguments of `Client::op` reordered (id, a, b -> id, b, a)"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("api changes: 1 breaking, 0 additive\n"),
            "{text}"
        );
        // A new argument in the middle: the others keep their order.
        assert_eq!(
            report(
                "args op: id, b\noperation op: GET /x\nparam op.b: query, required, String\n",
                &format!("args op: id, a, b\n{params}")
            ),
            "breaking: added required param op.a (query, required, String)\n\
             api changes: 1 breaking, 0 additive\n"
        );
        // The first argument of an operation, and the last one gone.
        assert_eq!(report("", "args op: body\n"), "api changes: none\n");
        assert_eq!(report("args op: body\n", ""), "api changes: none\n");
        // A surface of format 4 has no `args` lines: nothing to compare them with, and the
        // report says so.
        assert_eq!(
            compare(
                &format!("surface-format: 4\n{params}"),
                &format!("{FORMAT}args op: b, a\n{params}")
            )
            .to_string(),
            "note: the old surface is of format 4, the new of format 6: not compared, as \
             format 4 does not record them: the order of each method's arguments; defaults; \
             the examples of the mocks; the constraints multipleOf, exclusiveMinimum, \
             exclusiveMaximum, uniqueItems, minProperties and maxProperties; the type of a \
             parameter in the raw client and the mocks; the constraints of a form's text \
             fields; the fields of composed schemas as an object's; the target of an alias\n\
             api changes: none\n"
        );
    }

    /// A parameter's type in the raw client and the mocks (`raw=`) is part of the API: it
    /// changing, appearing or going breaks code that passes the old one, though the front
    /// door's type stays. Fields have no such type.
    #[test]
    fn the_raw_type_of_a_parameter_is_compared() {
        let param = |extras: &str| format!("param op.limit: query, optional, i64{extras}\n");
        for (old, new, says) in [
            ("", " | raw=u32", "(i64 -> u32)"),
            (" | raw=u32", " | raw=NonZeroU64", "(u32 -> NonZeroU64)"),
            (" | raw=u32", "", "(u32 -> i64)"),
        ] {
            let text = report(&param(old), &param(new));
            assert!(
                text.starts_with(&format!(
                    "breaking: param op.limit: type in the raw client and the mocks changed {says}"
                )),
                "{old} -> {new}: {text}"
            );
        }
        assert_eq!(
            report(&param(" | raw=u32"), &param(" | raw=u32")),
            "api changes: none\n"
        );
        // A field made required changes the last word of its core, not a raw type.
        let text = report(
            "field A.x: String, optional | in=request\n",
            "field A.x: String, required | in=request\n",
        );
        assert!(!text.contains("raw client"), "{text}");
    }

    /// A default changed sends or reads another value; one gone leaves what relied on it
    /// without a value; one added gives a value where there was none. A surface of format 4
    /// records no defaults: they are not compared with it.
    #[test]
    fn defaults_changed_gone_and_added() {
        let field = |extras: &str| format!("field A.x: u16, optional | in=request{extras}\n");
        let text = report(&field(" | default=5060"), &field(" | default=5080"));
        assert!(
            text.starts_with(
                "breaking: field A.x: default 5060 -> 5080: code that leaves it unset sends or \
                 reads another value"
            ),
            "{text}"
        );
        assert!(
            report(&field(" | default=5060"), &field(""))
                .starts_with("breaking: field A.x: default removed (was 5060)")
        );
        assert!(
            report(&field(""), &field(" | default=5060"))
                .starts_with("additive: field A.x: default added (5060)")
        );
        // The same value written another way is no change.
        for (old, new) in [
            ("5", "5.0"),
            ("[1,2]", "[1.0,2]"),
            ("{\"a\":1,\"b\":2}", "{\"b\":2.0,\"a\":1}"),
        ] {
            let text = report(
                &field(&format!(" | default={old}")),
                &field(&format!(" | default={new}")),
            );
            assert!(
                text.ends_with("api changes: none\n"),
                "{old} -> {new}: {text}"
            );
        }
        for (old, new) in [
            ("5", "6"),
            ("[1,2]", "[2,1]"),
            ("{\"a\":1}", "{\"a\":1,\"b\":1}"),
            // Integers beyond a float's precision are still two numbers.
            ("9223372036854775807", "9223372036854775806"),
            ("9007199254740993", "9007199254740992"),
        ] {
            let text = report(
                &field(&format!(" | default={old}")),
                &field(&format!(" | default={new}")),
            );
            assert!(text.starts_with("breaking: "), "{old} -> {new}: {text}");
        }
        // With a constraint changed beside it, both are said.
        let text = report(
            &field(" | default=1 | maximum=10"),
            &field(" | default=2 | maximum=20"),
        );
        assert!(
            text.ends_with("api changes: 1 breaking, 1 additive\n"),
            "{text}"
        );
        // A newtype's default is on its type line.
        assert!(
            report(
                "type N: newtype of String | in=request | default=\"a\"\n",
                "type N: newtype of String | in=request | default=\"b\"\n"
            )
            .starts_with("breaking: type N: default \"a\" -> \"b\"")
        );
        assert_eq!(
            compare(
                "surface-format: 4\nfield A.x: u16, optional | in=request\n",
                &format!("{FORMAT}{}", field(" | default=5060"))
            )
            .summary(),
            "api changes: none"
        );
    }

    /// Security requirements are alternatives (`or`): one added lets callers choose it and
    /// leaves the others as they were (oasdiff agrees); one removed refuses the callers who
    /// used it; the same ones in another order are no change.
    #[test]
    fn security_alternatives_added_are_additive() {
        let op = "operation op: GET /x\n";
        let line = |security: &str| format!("{op}security op: {security}\n");
        assert_eq!(
            report(&line("apiKey"), &line("apiKey or bearer")),
            "additive: security op: alternative added: bearer (apiKey -> apiKey or bearer)\n\
             api changes: 0 breaking, 1 additive\n"
        );
        assert_eq!(
            report(&line("apiKey or bearer"), &line("bearer")),
            "breaking: security op: alternative removed: apiKey, callers who use it are \
             refused (apiKey or bearer -> bearer)\napi changes: 1 breaking, 0 additive\n"
        );
        assert_eq!(
            report(&line("apiKey or bearer"), &line("bearer or apiKey")),
            "api changes: none\n"
        );
        // Both scheme at once, where one sufficed: the one alternative is gone.
        assert!(
            report(&line("apiKey or bearer"), &line("apiKey + bearer"))
                .starts_with("breaking: security op: alternative removed: apiKey, bearer")
        );
        // One scheme of two used together no longer asked for: callers sending both are
        // still let in.
        assert!(
            report(&line("apiKey + bearer"), &line("apiKey"))
                .starts_with("additive: security op: alternative added: apiKey")
        );
        assert!(
            report(&line("apiKey + bearer or other"), &line("bearer or other"))
                .starts_with("additive: ")
        );
        // An empty requirement among the alternatives: no key needed.
        assert!(
            report(&line("apiKey"), &line("apiKey or none"))
                .starts_with("additive: security op: no longer required")
        );
        assert!(
            report(&line("apiKey or none"), &line("apiKey"))
                .starts_with("breaking: security op: alternative removed: none")
        );
    }

    #[test]
    fn statuses_media_security_and_servers() {
        let old = "operation op: GET /x\nresponse op.200: A | media=application/json\nresponse op.404: E | media=application/json\n";
        let new = "operation op: GET /x\nresponse op.200: A | media=application/json\n";
        // Every error is `Error`, whatever its status, but the mock's responder goes.
        assert_eq!(
            report(old, new),
            "breaking: removed response op.404 (E | media=application/json): the mock's \
             responder of status 404 (`then.not_found`) is gone\n\
             api changes: 1 breaking, 0 additive\n"
        );
        let new = "operation op: GET /x\nresponse op.404: E | media=application/json\n";
        assert!(report(old, new).starts_with("breaking: removed response op.200"));
        let new = "operation op: GET /x\nresponse op.200: A | media=text/plain\nresponse op.404: E | media=application/json\n";
        assert!(
            report(old, new)
                .starts_with("breaking: response op.200: media type removed: application/json")
        );
        let old = "operation op: GET /x\nsecurity op: apiKey\n";
        assert!(
            report(old, "operation op: GET /x\nsecurity op: apiKey + other\n")
                .starts_with("breaking: security op: alternative removed: apiKey")
        );
        assert!(
            report(old, "operation op: GET /x\nsecurity op: none\n")
                .starts_with("additive: security op: no longer required")
        );
        // A security requirement gone is one thing fewer callers must do.
        assert_eq!(
            report(old, "operation op: GET /x\n"),
            "additive: removed security op (apiKey)\napi changes: 0 breaking, 1 additive\n"
        );
        assert!(
            report("server: https://a\n", "server: https://b\n").starts_with(
                "breaking: server: server removed or changed (https://a): callers of it break"
            )
        );
        // A server added beside the others breaks nobody; one removed does.
        assert!(
            report("server: https://a\n", "server: https://a, https://eu.a\n").starts_with(
                "additive: server: server added (https://a -> https://a, https://eu.a)"
            )
        );
        assert!(
            report("server: https://a, https://eu.a\n", "server: https://a\n")
                .starts_with("breaking: server: server removed or changed (https://eu.a)")
        );
        // The first server is the client's default base URL: another one first moves every
        // client that sets none (found by a review: a reorder was called additive).
        for (old, new) in [
            ("https://a, https://b", "https://b, https://a"),
            ("https://a", "https://c, https://a"),
        ] {
            assert!(
                report(&format!("server: {old}\n"), &format!("server: {new}\n")).starts_with(
                    &format!(
                        "breaking: server: the default base URL changed (https://a -> {}): \
                         clients that set none call another server",
                        &new[..9]
                    )
                ),
                "{old} -> {new}"
            );
        }
        assert!(
            report("operation op: GET /x\n", "operation op: GET /y\n")
                .starts_with("breaking: operation op: changed")
        );
        assert!(
            report(
                "operation op: GET /x\n",
                "operation op: GET /x\nsecurity op: apiKey\n"
            )
            .starts_with("breaking: added required security op")
        );
    }

    #[test]
    fn surfaces_of_different_formats_compare_what_both_say() {
        let old = "operation op: GET /x\nparam op.p: query, required, String\nfield A.x: String, required\n";
        let new = "surface-format: 2\nserver: https://a\noperation op: GET /x\nsecurity op: apiKey\nparam op.p: query, required, String | pattern=^a$\nfield A.x: String, required | in=response\n";
        assert_eq!(
            compare(old, new).to_string(),
            "note: the old surface is of format 1, the new of format 2: not compared, as \
             format 1 does not record them: media types, directions and constraints\n\
             api changes: none\n"
        );
        // From format 2 on, both have extras: a tightened pattern still counts, and the
        // scheme lines format 3 added are left out.
        let old = "surface-format: 2\nparam op.p: query, required, String | pattern=^a\n";
        let new = "surface-format: 3\nscheme apiKey: apiKey, header authorization\nparam op.p: query, required, String | pattern=^a$\n";
        let report = compare(old, new);
        assert_eq!(report.changes.len(), 1, "{report}");
        assert!(
            report.changes[0]
                .description
                .starts_with("param op.p: pattern"),
            "{report}"
        );
    }

    /// A cross-field rule is checked before sending: a new one refuses requests that were
    /// sent before, one gone refuses fewer.
    #[test]
    fn cross_field_rules() {
        let old = "type T: struct\nrule T.exclusive(a,b): checked before sending\n";
        let new = "type T: struct\nrule T.one-of(a,b): checked before sending\n";
        assert_eq!(
            report(old, new),
            "breaking: added rule T.one-of(a,b) (checked before sending)\n\
             additive: removed rule T.exclusive(a,b) (checked before sending)\n\
             api changes: 1 breaking, 1 additive\n"
        );
        // The rules of a new type come with it.
        assert!(report("", new).starts_with("additive: added rule T.one-of(a,b)"));
    }

    /// How the key is sent is the contract of every call: a scheme that changed or went
    /// breaks callers, a new one (no operation requires it yet) does not.
    #[test]
    fn security_schemes() {
        let old = "scheme apiKey: apiKey, header authorization\n";
        assert_eq!(
            report(old, "scheme apiKey: apiKey, header x-api-key\n"),
            "breaking: scheme apiKey: changed (apiKey, header authorization -> apiKey, header \
             x-api-key)\napi changes: 1 breaking, 0 additive\n"
        );
        assert!(report(old, "scheme apiKey: http bearer\n").starts_with("breaking: scheme apiKey"));
        assert!(report(old, "").starts_with("breaking: removed scheme apiKey"));
        assert!(
            report(
                old,
                "scheme apiKey: apiKey, header authorization\nscheme bearer: http bearer\n"
            )
            .starts_with("additive: added scheme bearer")
        );
    }

    /// A new operation comes with its parameters and body: all additive. A body added to
    /// an operation that had none is required of its callers: breaking, unless optional.
    #[test]
    fn operations_come_with_their_parameters_and_bodies() {
        let new = "operation op: POST /x\nparam op.q: query, required, String\nbody op: B, required | media=application/json\n";
        assert_eq!(
            report("", new),
            "additive: added body op (B, required | media=application/json)\n\
             additive: added operation op (POST /x)\n\
             additive: added param op.q (query, required, String)\n\
             api changes: 0 breaking, 3 additive\n"
        );
        let old = "operation op: POST /x\n";
        assert!(
            report(
                old,
                "operation op: POST /x\nbody op: B, required | media=application/json\n"
            )
            .starts_with("breaking: added required body op")
        );
        assert!(
            report(
                old,
                "operation op: POST /x\nbody op: B, optional | media=application/json\n"
            )
            .starts_with("additive: added body op")
        );
    }

    /// A trait a type no longer implements breaks the code that uses it; a new one breaks
    /// nothing. The probe's case: a required field takes typify's `Default` away, which the
    /// field alone (a field of a type only read) does not say.
    #[test]
    fn traits_lost_break_and_traits_gained_add() {
        let old = "type A: struct | in=response\ntraits A: Clone, Debug, Default, PartialEq\n";
        let new = "type A: struct | in=response\ntraits A: Clone, Debug, Eq, PartialEq\nfield A.z: String, required | in=response\n";
        assert_eq!(
            report(old, new),
            "breaking: removed impl Default for A\n\
             additive: added field A.z (String, required | in=response); values built with \
             the builder (answers for mocks) must now set it\n\
             additive: added impl Eq for A\n\
             api changes: 1 breaking, 2 additive\n"
        );
        // The traits of a new type come with it; those of a type gone go with it.
        assert!(report("", old).starts_with("additive: added traits A (Clone, Debug"));
        assert!(report(old, "").starts_with("breaking: removed traits A (Clone, Debug"));
        // A surface of format 3 says no traits: nothing is compared.
        let format_3 = "surface-format: 3\ntype A: struct | in=response\n";
        assert_eq!(
            compare(format_3, &format!("surface-format: 4\n{old}")).summary(),
            "api changes: none"
        );
    }

    #[test]
    fn additions_and_removals() {
        let old =
            "type A: struct | in=request\nfield A.x: String, required | in=request\nvariant E.a\n";
        let new = "type A: struct | in=request\nfield A.x: String, required | in=request\nfield A.y: String, required | in=request\nvariant E.a\nvariant E.b\n";
        let text = report(old, new);
        assert!(
            text.contains("breaking: added required field A.y"),
            "{text}"
        );
        assert!(text.contains("additive: added variant E.b"), "{text}");
        assert!(report(new, old).contains("breaking: removed variant E.b"));
        // A required field of a new type is part of something new.
        let text = report("", new);
        assert!(
            text.ends_with("api changes: 0 breaking, 5 additive\n"),
            "{text}"
        );
        // A required field added to a type only read is additive: the struct is
        // non_exhaustive, and readers get more.
        let old = "type B: struct | in=response\n";
        let new = "type B: struct | in=response\nfield B.z: String, required | in=response\n";
        assert_eq!(
            report(old, new),
            "additive: added field B.z (String, required | in=response); values built with \
             the builder (answers for mocks) must now set it\napi changes: 0 breaking, 1 additive\n"
        );
        // An optional one needs no note.
        let new =
            "type B: struct | in=response\nfield B.z: Option<String>, optional | in=response\n";
        assert_eq!(
            report(old, new),
            "additive: added field B.z (Option<String>, optional | in=response)\n\
             api changes: 0 breaking, 1 additive\n"
        );
        assert_eq!(report(old, old), "api changes: none\n");
    }
}
