//! Running the binary: one-shot commands, and servers that are killed when the test ends.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub(crate) fn mamoru() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mamoru"));
    // Tests never depend on the machine's locale or a stray data directory.
    c.env("LANG", "C").env_remove("MAMORU_DATA_DIR").env_remove("MAMORU_DATABASE_URL");
    c
}

/// Runs `mamoru ARGS --data-dir DIR`.
pub(crate) fn run(dir: &Path, args: &[&str]) -> Output {
    mamoru().args(args).arg("--data-dir").arg(dir).output().unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A server process; killed on drop.
pub(crate) struct Running {
    child: Child,
    pub(crate) base: String,
    pub(crate) lines: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mamoru ARGS` and waits for its `listening on` line, then reads `extra` more lines.
pub(crate) fn start(args: &[&str], extra: usize) -> Running {
    let mut child = mamoru().args(args).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let mut base = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        let l = line.trim_end().to_owned();
        line.clear();
        if let Some(url) = l.strip_prefix("listening on ") {
            base = url.trim_end_matches('/').to_owned();
            lines.push(l);
            break;
        }
        lines.push(l);
    }
    assert!(!base.is_empty(), "the server did not say where it listens: {lines:?}");
    for _ in 0..extra {
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line.trim_end().to_owned());
        line.clear();
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while out.read_line(&mut sink).unwrap_or(0) > 0 {
            sink.clear();
        }
    });
    Running { child, base, lines }
}

/// The Shift_JIS register fixture of the inventory crate.
pub(crate) fn sjis_register() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../mamoru-inventory/tests/data/minato_ja_sjis.csv")
}
