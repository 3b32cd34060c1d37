use super::support::{mamoru, run, stderr, stdout};

#[test]
fn users_and_organisations_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["user", "add", "--email", "a@example.jp"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no organisation yet"), "{}", stderr(&out));

    assert!(run(dir.path(), &["org", "add", "みなと会"]).status.success());
    let out = run(dir.path(), &["user", "add", "--email", "Admin@Example.jp", "--role", "admin", "--totp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("created user admin@example.jp"));
    assert!(text.lines().any(|l| l.starts_with("password: ") && l.len() > 20));
    assert!(text.contains("totp uri: otpauth://totp/Mamoru:admin%40example.jp?"), "{text}");

    let mut child = mamoru()
        .args(["user", "add", "--email", "b@example.jp", "--role", "auditor", "--password-stdin", "--data-dir"])
        .arg(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"weak\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("password too weak"), "{}", stderr(&out));

    let out = run(dir.path(), &["user", "list"]);
    assert!(stdout(&out).contains("admin@example.jp\tadmin\ttotp=true"), "{}", stdout(&out));
    assert!(run(dir.path(), &["org", "add", "別法人"]).status.success());
    let out = run(dir.path(), &["user", "list"]);
    assert!(stderr(&out).contains("several organisations exist; choose one with --org"), "{}", stderr(&out));
}

#[test]
fn data_dir_and_database_url_exclude_each_other() {
    let out = mamoru()
        .args(["inventory", "export", "--data-dir", "/tmp/x", "--database-url", "sqlite:/tmp/y.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot be used with"), "{}", stderr(&out));
    let out = mamoru().args(["inventory", "export", "--database-url", "mysql://x"]).output().unwrap();
    assert!(stderr(&out).contains("sqlite: or postgres://"), "{}", stderr(&out));
}
