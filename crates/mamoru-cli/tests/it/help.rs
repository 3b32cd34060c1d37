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
    ] {
        let out = mamoru().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = stdout(&out);
        assert!(text.contains("--data-dir") && text.contains("--database-url"), "{args:?}: {text}");
    }
    let out = mamoru().args(["inventory", "import", "--help"]).output().unwrap();
    assert!(stdout(&out).contains("All or nothing"));
}
