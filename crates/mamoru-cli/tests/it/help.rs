use super::support::{mamoru, stdout};

#[test]
fn every_command_documents_itself() {
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["org", "add", "--help"],
        vec!["inventory", "import", "--help"],
        vec!["inventory", "export", "--help"],
        vec!["org", "webhook", "--help"],
        vec!["vuln", "import", "--help"],
        vec!["vuln", "findings", "--help"],
        vec!["vuln", "decide", "--help"],
        vec!["vuln", "policy", "--help"],
        vec!["vuln", "status", "--help"],
        vec!["vuln", "match", "--help"],
        vec!["vuln", "fetch", "--help"],
        vec!["ingest", "--help"],
        vec!["alerts", "--help"],
        vec!["org", "smtp", "--help"],
        vec!["org", "alerts", "--help"],
    ] {
        let out = mamoru().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = stdout(&out);
        assert!(text.contains("--data-dir") && text.contains("--database-url"), "{args:?}: {text}");
    }
    let out = mamoru().args(["inventory", "import", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("All or nothing"));
}

#[test]
fn every_backup_command_documents_itself() {
    for cmd in ["init", "run", "snapshots", "restore", "verify", "restore-test"] {
        let out = mamoru().args(["backup", cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "backup {cmd}");
        let text = stdout(&out);
        assert!(text.contains("--repo") && text.contains("MAMORU_BACKUP_PASSWORD"), "backup {cmd}: {text}");
    }
}
