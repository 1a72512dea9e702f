//! Scratch workspaces: copies of `sip-client` with the files generated from another spec,
//! built in the shared target directory under other package names (so that they reuse its
//! dependencies without replacing the real crate's artifacts).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sip_client_gen::{Generated, README_PATH};

use crate::workspace_root;

/// A scratch workspace in `target/scratch/<name>`, kept between runs.
///
/// Files are written only when their contents change, so cargo, which judges freshness by
/// modification times, rebuilds only what a change touched: a second run of a test that
/// builds a scratch workspace costs seconds, not a build of every copy. Members are named
/// by each run, so what an earlier run left in the directory does not take part.
pub struct ScratchWorkspace {
    /// Its root.
    pub root: PathBuf,
    members: Vec<String>,
    dependencies: Vec<String>,
}

impl ScratchWorkspace {
    /// The scratch workspace named `name`.
    pub fn new(name: &str) -> ScratchWorkspace {
        let root = target_dir().join("scratch").join(name);
        fs::create_dir_all(&root).unwrap();
        ScratchWorkspace {
            root,
            members: Vec::new(),
            dependencies: Vec::new(),
        }
    }

    /// Adds, in `dir`, a copy of sip-client named `package` (its library keeps the name
    /// `sip_client`) whose generated files are `generated`. With `with_cli`, the `bland-sip`
    /// binary comes too, as `bland-sip-<dir>`.
    pub fn add_client(&mut self, dir: &str, package: &str, generated: &Generated, with_cli: bool) {
        let root = workspace_root();
        let target = self.root.join(dir);
        // Without the CLI, the binary is not copied: else cargo would find it by itself,
        // without its required features.
        copy_dir(&root.join("sip-client/src"), &target.join("src"), &|path| {
            with_cli || !path.starts_with(root.join("sip-client/src/bin"))
        });
        if !with_cli {
            let _ = fs::remove_dir_all(target.join("src/bin"));
        }
        let manifest = fs::read_to_string(root.join("sip-client/Cargo.toml")).unwrap();
        let manifest = replace_once(
            &manifest,
            "name = \"sip-client\"",
            &format!("name = \"{package}\""),
        );
        let manifest = replace_once(
            &manifest,
            "[features]",
            "[lib]\nname = \"sip_client\"\n\n[features]",
        );
        let mut manifest = without_section(&without_section(&manifest, "[[bin]]"), "[[example]]");
        if with_cli {
            manifest.push_str(&format!(
                "\n[[bin]]\nname = \"bland-sip-{dir}\"\npath = \"src/bin/bland-sip/main.rs\"\nrequired-features = [\"cli\"]\n"
            ));
        }
        write(&target.join("Cargo.toml"), manifest.as_bytes());
        for file in &generated.files {
            if let Some(path) = file.path.strip_prefix("sip-client/")
                && (with_cli || !path.starts_with("src/bin/"))
            {
                write(&target.join(path), file.contents.as_bytes());
            }
        }
        let readme = fs::read_to_string(root.join(README_PATH)).unwrap();
        let readme =
            sip_client_gen::operations_table(&readme, &generated.operations_table).unwrap();
        write(&target.join("README.md"), readme.as_bytes());
        self.members.push(dir.to_owned());
    }

    /// Adds a library or binary crate `package` in `dir` with `main.rs` or `lib.rs` holding
    /// `source`, depending on `dependencies` (lines of a `[dependencies]` table).
    pub fn add_crate(
        &mut self,
        dir: &str,
        package: &str,
        file: &str,
        source: &str,
        dependencies: &str,
    ) {
        let target = self.root.join(dir);
        write(
            &target.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependencies}"
            )
            .as_bytes(),
        );
        write(&target.join("src").join(file), source.as_bytes());
        self.members.push(dir.to_owned());
    }

    /// Sets the version of the package in `dir` (a copy made by [`ScratchWorkspace::add_client`]).
    pub fn set_version(&self, dir: &str, version: &str) {
        let path = self.root.join(dir).join("Cargo.toml");
        let manifest = fs::read_to_string(&path).unwrap();
        let line = manifest
            .lines()
            .find(|line| line.starts_with("version = "))
            .expect("a version line")
            .to_owned();
        write(
            &path,
            manifest
                .replacen(&line, &format!("version = \"{version}\""), 1)
                .as_bytes(),
        );
    }

    /// Names `sip-client` in the workspace's dependencies as the copy in `dir`.
    pub fn use_client(&mut self, dir: &str, package: &str) {
        self.dependencies.push(format!(
            "sip-client = {{ path = \"{dir}\", package = \"{package}\", default-features = false }}"
        ));
    }

    /// Adds a member, `feature-mirror`, that depends on what our workspace's members depend
    /// on, with the same features, and on the copy of sip-client in `dir` (package `package`)
    /// with the features our workspace turns on for sip-client.
    ///
    /// Cargo turns on a dependency's features for the packages it builds, so a scratch build
    /// alone turns on fewer than our workspace's build does (its tests and the generator ask
    /// for more) and compiles every dependency again, differently; with the mirror in the
    /// build, each dependency is the one our workspace's build already compiled. Only a
    /// `cargo build` reuses them: `cargo check` compiles metadata-only copies of its own.
    pub fn mirror_workspace_features(&mut self, dir: &str, package: &str) {
        let manifest = mirror_manifest(&workspace_metadata(), dir, package);
        write(
            &self.root.join(MIRROR).join("Cargo.toml"),
            manifest.as_bytes(),
        );
        write(
            &self.root.join(MIRROR).join("src/lib.rs"),
            b"//! Compiles nothing: its dependencies turn on our workspace's features.\n",
        );
        self.members.push(MIRROR.to_owned());
    }

    /// Writes the workspace's manifest (our workspace's dependencies, these members) and
    /// our lockfile.
    fn write_manifest(&self) {
        let root = workspace_root();
        let ours = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let mut manifest = String::new();
        for line in ours.lines() {
            if line.starts_with("members = ") {
                let members: Vec<String> =
                    self.members.iter().map(|m| format!("\"{m}\"")).collect();
                manifest.push_str(&format!("members = [{}]\n", members.join(", ")));
            } else if line.starts_with("sip-client-gen =") || line.starts_with("sip-client =") {
                continue;
            } else {
                manifest.push_str(line);
                manifest.push('\n');
            }
            if line == "[workspace.dependencies]" {
                for dependency in &self.dependencies {
                    manifest.push_str(dependency);
                    manifest.push('\n');
                }
            }
        }
        write(&self.root.join("Cargo.toml"), manifest.as_bytes());
        write(
            &self.root.join("Cargo.lock"),
            &fs::read(root.join("Cargo.lock")).unwrap(),
        );
    }

    /// Runs `cargo <args>` in the workspace, in the shared target directory, with JSON
    /// messages; returns whether it succeeded and the messages.
    pub fn cargo(&self, args: &[&str]) -> (bool, Vec<Value>, String) {
        self.cargo_with_env(args, &[])
    }

    /// [`ScratchWorkspace::cargo`] with more environment variables.
    pub fn cargo_with_env(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (bool, Vec<Value>, String) {
        self.write_manifest();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        // cargo's own options go before a `--` that passes the rest to the tool.
        let split = args
            .iter()
            .position(|arg| *arg == "--")
            .unwrap_or(args.len());
        let output = Command::new(cargo)
            .args(&args[..split])
            .args(["--offline", "--message-format", "json"])
            .args(&args[split..])
            .env("CARGO_TARGET_DIR", target_dir())
            // `cargo xtask ci` compiles our workspace's crates with clippy; scratch crates
            // (generated from other specs, and probes) are compiled, not linted.
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CLIPPY_ARGS")
            .envs(env.iter().copied())
            .current_dir(&self.root)
            .output()
            .unwrap();
        let messages = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .collect();
        (
            output.status.success(),
            messages,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

/// The directory and package name of the member that [`ScratchWorkspace::mirror_workspace_features`] adds.
pub const MIRROR: &str = "feature-mirror";

/// The source cargo metadata gives a dependency from crates.io.
const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// The manifest of the feature mirror, from `cargo metadata --no-deps` of our workspace
/// (`metadata`): each dependency of a member on a package outside the workspace, normal and
/// dev (tests turn the dev-dependencies on) as a normal dependency, build as a build
/// dependency (they take part in feature resolution without a build script, which is how
/// `xtask/Cargo.toml` asks for proc-macros' features), with the default features and
/// features asked for; one entry per package, table and semver-compatible requirement, with
/// their union (cargo refuses two names for one package); and sip-client, every member's
/// dependency on it as one on the copy in `dir` (package `package`), with its default
/// features, as a member has them. Optional dependencies are left out: features turn them
/// on, sip-client's through the copy, and no other member has any.
pub fn mirror_manifest(metadata: &Value, dir: &str, package: &str) -> String {
    let packages = metadata["packages"].as_array().expect("packages");
    let members: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut dependencies: BTreeMap<MirrorKey, MirrorEntry> = BTreeMap::new();
    let mut client_features = BTreeSet::new();
    for dependency in packages
        .iter()
        .flat_map(|p| p["dependencies"].as_array().into_iter().flatten())
    {
        let name = dependency["name"].as_str().unwrap_or_default();
        let features = dependency["features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_owned));
        if name == "sip-client" {
            client_features.extend(features);
            continue;
        }
        if members.contains(&name) || dependency["optional"] == true {
            continue;
        }
        // The mirror asks crates.io; a dependency from elsewhere (git, a path, another
        // registry) would be mirrored as another crate of the same name.
        let source = dependency["source"].as_str().unwrap_or("a path");
        assert_eq!(
            source, CRATES_IO,
            "the feature mirror knows crates.io dependencies only; {name} comes from {source}"
        );
        let kind = match dependency["kind"].as_str() {
            Some("build") => "build-dependencies",
            _ => "dependencies",
        };
        let table = match dependency["target"].as_str() {
            Some(platform) => format!("target.'{platform}'.{kind}"),
            None => kind.to_owned(),
        };
        let requirement = dependency["req"].as_str().unwrap_or("*");
        let entry = dependencies
            .entry((table, name.to_owned(), compatible_class(requirement)))
            .or_insert_with(|| (requirement.to_owned(), false, BTreeSet::new()));
        if version_of(requirement) > version_of(&entry.0) {
            entry.0 = requirement.to_owned();
        }
        entry.1 |= dependency["uses_default_features"] != false;
        entry.2.extend(features);
    }
    let list = |features: &BTreeSet<String>| {
        features
            .iter()
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    tables
        .entry("dependencies".to_owned())
        .or_default()
        .push(format!(
            "sip-client = {{ path = \"../{dir}\", package = \"{package}\", features = [{}] }}",
            list(&client_features)
        ));
    // One name per package and compatible class, the same in every table; another major
    // version of a package gets a name of its own.
    let mut keys: BTreeMap<(String, String), String> = BTreeMap::new();
    for (_, name, class) in dependencies.keys() {
        let taken = keys.keys().filter(|(n, _)| n == name).count();
        keys.entry((name.clone(), class.clone()))
            .or_insert(match taken {
                0 => name.clone(),
                n => format!("{name}-{n}"),
            });
    }
    for ((table, name, class), (requirement, default_features, features)) in &dependencies {
        let key = &keys[&(name.clone(), class.clone())];
        tables.entry(table.clone()).or_default().push(format!(
            "{key} = {{ package = \"{name}\", version = \"{requirement}\", default-features = {default_features}, features = [{}] }}",
            list(features)
        ));
    }
    let mut manifest = format!(
        "[package]\nname = \"{MIRROR}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n"
    );
    for (table, lines) in &tables {
        manifest.push_str(&format!("\n[{table}]\n"));
        for line in lines {
            manifest.push_str(line);
            manifest.push('\n');
        }
    }
    manifest
}

/// A dependency of the mirror: its table, package name and compatible class.
type MirrorKey = (String, String, String);
/// What the mirror asks of it: the highest requirement, default features, features.
type MirrorEntry = (String, bool, BTreeSet<String>);

/// The numbers of a version requirement (`^1.0.226`, `2.8`, `=0.2.19`, `*`), missing ones 0.
fn version_of(requirement: &str) -> Vec<u64> {
    requirement
        .trim_start_matches(['^', '=', '~', '>', '<', ' '])
        .split('.')
        .map_while(|part| part.parse().ok())
        .collect()
}

/// The versions a requirement's are compatible with, in cargo's sense: the major version,
/// or for 0.x the minor (`^1.0.226` and `1`: "1"; `0.2.19`: "0.2"; `*`: "*").
fn compatible_class(requirement: &str) -> String {
    match version_of(requirement).as_slice() {
        [] => "*".to_owned(),
        [0] => "0".to_owned(),
        [0, minor, ..] => format!("0.{minor}"),
        [major, ..] => major.to_string(),
    }
}

/// The packages from a registry that a scratch build compiled (rather than found fresh),
/// by cargo's messages.
fn dependencies_compiled(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["reason"] == "compiler-artifact" && m["fresh"] == false)
        .filter_map(xtask::registry_crate)
        .map(str::to_owned)
        .collect()
}

/// Under `cargo xtask ci`, which builds the whole workspace before any test runs (and says
/// so with `SIP_CLIENT_TEST_WORKSPACE_BUILT`), that a scratch build with the feature mirror
/// compiled no dependency again: what keeps the tests that build scratch crates from
/// compiling the dependency graph twice. (Elsewhere, our workspace may have been built
/// with other features, or not at all.)
pub fn assert_dependencies_reused(messages: &[Value]) {
    if std::env::var_os("SIP_CLIENT_TEST_WORKSPACE_BUILT").is_none() {
        return;
    }
    let compiled = dependencies_compiled(messages);
    assert!(
        compiled.is_empty(),
        "the scratch build compiled dependencies that our workspace's build already has, with \
         other features (is the feature mirror missing a dependency?): {compiled:?}"
    );
}

/// The rendered compiler errors among cargo's messages, with the package of each.
pub fn compiler_errors(messages: &[Value]) -> Vec<(String, String)> {
    messages
        .iter()
        .filter(|m| m["reason"] == "compiler-message" && m["message"]["level"] == "error")
        .map(|m| {
            (
                m["package_id"].as_str().unwrap_or_default().to_owned(),
                m["message"]["rendered"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// `manifest` without the table that starts with the line `header`.
fn without_section(manifest: &str, header: &str) -> String {
    let Some(start) = manifest.find(&format!("\n{header}\n")) else {
        return manifest.to_owned();
    };
    let rest = &manifest[start + 1..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |end| end + 2);
    format!("{}\n{}", &manifest[..start], &rest[end..])
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not found");
    text.replacen(from, to, 1)
}

/// The target directory shared with our workspace, as cargo finds it (`CARGO_TARGET_DIR`,
/// `build.target-dir` in a config file, or `target`): asked of `cargo metadata` once.
fn target_dir() -> PathBuf {
    static TARGET_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    TARGET_DIR
        .get_or_init(|| {
            let metadata = workspace_metadata();
            PathBuf::from(
                metadata["target_directory"]
                    .as_str()
                    .expect("cargo metadata names the target directory"),
            )
        })
        .clone()
}

/// `cargo metadata --no-deps` of our workspace.
fn workspace_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Writes `contents` to `path` unless it already holds them (keeping its modification time,
/// which is what cargo's freshness check reads).
fn write(path: &Path, contents: &[u8]) {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
}

/// Copies the files under `from` that `keep` accepts to `to`, with [`write`].
fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if !keep(&path) {
            continue;
        }
        let to = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &to, keep);
        } else {
            write(&to, &fs::read(&path).unwrap());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{CRATES_IO, compatible_class, dependencies_compiled, mirror_manifest, version_of};

    fn dependency(name: &str, req: &str, kind: Option<&str>, features: &[&str]) -> Value {
        json!({
            "name": name, "req": req, "kind": kind, "optional": false,
            "uses_default_features": true, "features": features, "target": null,
            "source": CRATES_IO,
        })
    }

    #[test]
    #[should_panic(expected = "crates.io dependencies only; tokio comes from git+https://")]
    fn the_mirror_refuses_a_dependency_it_would_take_from_crates_io_by_mistake() {
        let mut from_git = dependency("tokio", "^1", None, &["rt"]);
        from_git["source"] = json!("git+https://example.invalid/tokio");
        let metadata = json!({ "packages": [
            { "name": "sip-client", "dependencies": [from_git] },
        ]});
        mirror_manifest(&metadata, "sip-client", "sip-client");
    }

    #[test]
    fn the_mirror_asks_for_what_the_members_ask_for() {
        let mut no_defaults = dependency("serde", "^1.0.226", Some("dev"), &["alloc"]);
        no_defaults["uses_default_features"] = json!(false);
        let mut optional = dependency("httpmock", "^0.8", None, &[]);
        optional["optional"] = json!(true);
        let mut unix = dependency("libc", "^0.2", None, &["extra_traits"]);
        unix["target"] = json!("cfg(unix)");
        let mut unix_memchr = dependency("memchr", "^2.8", None, &["std"]);
        unix_memchr["target"] = json!("cfg(unix)");
        let metadata = json!({ "packages": [
            { "name": "sip-client", "dependencies": [
                dependency("serde", "^1.0.226", None, &["derive"]),
                optional,
                dependency("memchr", "^2.7", Some("build"), &[]),
            ]},
            { "name": "sip-client-tests", "dependencies": [
                { "name": "sip-client", "req": "^0.2.0", "kind": null, "optional": false,
                  "uses_default_features": false, "features": ["mock", "cli"], "target": null },
                no_defaults,
                dependency("xtask", "*", None, &[]),
                dependency("syn", "^2", None, &["full"]),
                dependency("syn", "^3", None, &[]),
                unix,
                // Compatible requirements of one package, in two tables: one name.
                dependency("memchr", "^2.8", None, &[]),
                dependency("memchr", "^2", None, &["alloc"]),
                unix_memchr,
                dependency("num-traits", "^0.2.19", None, &[]),
                dependency("num-traits", "^0.1", None, &[]),
            ]},
            { "name": "xtask", "dependencies": [
                dependency("sip-client", "^0.2.0", None, &["schemars"]),
            ]},
        ]});
        assert_eq!(
            mirror_manifest(&metadata, "case-a", "sip-client-case-a"),
            "[package]\nname = \"feature-mirror\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\
             \n[build-dependencies]\n\
             memchr = { package = \"memchr\", version = \"^2.7\", default-features = true, features = [] }\n\
             \n[dependencies]\n\
             sip-client = { path = \"../case-a\", package = \"sip-client-case-a\", features = [\"cli\", \"mock\", \"schemars\"] }\n\
             memchr = { package = \"memchr\", version = \"^2.8\", default-features = true, features = [\"alloc\"] }\n\
             num-traits = { package = \"num-traits\", version = \"^0.1\", default-features = true, features = [] }\n\
             num-traits-1 = { package = \"num-traits\", version = \"^0.2.19\", default-features = true, features = [] }\n\
             serde = { package = \"serde\", version = \"^1.0.226\", default-features = true, features = [\"alloc\", \"derive\"] }\n\
             syn = { package = \"syn\", version = \"^2\", default-features = true, features = [\"full\"] }\n\
             syn-1 = { package = \"syn\", version = \"^3\", default-features = true, features = [] }\n\
             \n[target.'cfg(unix)'.dependencies]\n\
             libc = { package = \"libc\", version = \"^0.2\", default-features = true, features = [\"extra_traits\"] }\n\
             memchr = { package = \"memchr\", version = \"^2.8\", default-features = true, features = [\"std\"] }\n"
        );
    }

    #[test]
    fn only_dependencies_compiled_again_are_reported() {
        let artifact = |id: &str, fresh: bool| json!({ "reason": "compiler-artifact", "package_id": id, "fresh": fresh });
        let registry = CRATES_IO;
        let messages = [
            artifact(&format!("{registry}#serde@1.0.229"), true),
            artifact(&format!("{registry}#memchr@2.8.3"), false),
            // Our own crates are always compiled by a scratch build.
            artifact("path+file:///w/target/scratch/proof/driver#0.0.0", false),
            json!({ "reason": "build-finished", "success": true }),
        ];
        assert_eq!(dependencies_compiled(&messages), ["memchr@2.8.3"]);
        assert!(dependencies_compiled(&messages[..1]).is_empty());
    }

    #[test]
    fn requirements_are_grouped_as_cargo_deems_them_compatible() {
        for (requirement, class) in [
            ("^1.0.226", "1"),
            ("1", "1"),
            ("2.8", "2"),
            ("=0.2.19", "0.2"),
            ("~0.2", "0.2"),
            ("^0.0.3", "0.0"),
            ("0", "0"),
            ("*", "*"),
        ] {
            assert_eq!(compatible_class(requirement), class, "{requirement}");
        }
        assert!(version_of("^2.8") > version_of("^2"));
        assert!(version_of("^1.0.226") > version_of("1.0.9"));
    }
}
