//! Wrong S3 credentials against a server that checks signatures: a moto of its own, started
//! here with `INITIAL_NO_AUTH_ACTION_COUNT` (the first requests create a user, its key, its
//! policy and the bucket; every later request must be signed with a key moto issued).
//! scripts/lib/s3.sh exports the binary as MAMORU_TEST_MOTO_SERVER; without it the test says so
//! and passes locally, and fails in CI (CI=true).

use std::process::{Child, Command, Stdio};

use mamoru_backup::{BackupRepo, Location, Password};

/// The moto binary, or `None` (with a note) outside CI.
fn moto_server() -> Option<String> {
    match std::env::var("MAMORU_TEST_MOTO_SERVER") {
        Ok(bin) if !bin.is_empty() => Some(bin),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("MAMORU_TEST_MOTO_SERVER is not set: scripts/test.sh exports it (scripts/lib/s3.sh)")
        }
        _ => {
            eprintln!(
                "note: MAMORU_TEST_MOTO_SERVER is not set; wrong-credentials test skipped (scripts/test.sh sets it)"
            );
            None
        }
    }
}

/// Stops the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The unsigned requests moto takes before it checks signatures; they name their service the
/// way moto's router reads it, through the credential scope.
const SETUP_REQUESTS: usize = 4;

fn element(xml: &str, name: &str) -> String {
    let (_, rest) = xml.split_once(&format!("<{name}>")).unwrap_or_else(|| panic!("no {name} in {xml}"));
    rest.split_once(&format!("</{name}>")).unwrap().0.to_owned()
}

#[test]
fn wrong_credentials_are_named_and_the_right_ones_accepted() {
    let Some(bin) = moto_server() else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("INITIAL_NO_AUTH_ACTION_COUNT", SETUP_REQUESTS.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (key, secret) = rt.block_on(async {
        let client = reqwest::Client::new();
        let iam = |form: Vec<(&'static str, String)>| {
            client
                .post(format!("{url}/"))
                .header("authorization", "AWS4-HMAC-SHA256 Credential=AKIASETUP/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
                .form(&form)
                .send()
        };
        let v = || ("Version", "2010-05-08".to_owned());
        let user = || ("UserName", "mamoru".to_owned());
        let r = iam(vec![("Action", "CreateUser".into()), user(), v()]).await.unwrap();
        assert!(r.status().is_success(), "CreateUser: {}", r.text().await.unwrap());
        let r = iam(vec![("Action", "CreateAccessKey".into()), user(), v()]).await.unwrap();
        let xml = r.text().await.unwrap();
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let r = iam(vec![
            ("Action", "PutUserPolicy".into()),
            user(),
            ("PolicyName", "all".into()),
            ("PolicyDocument", policy.into()),
            v(),
        ])
        .await
        .unwrap();
        assert!(r.status().is_success(), "PutUserPolicy: {}", r.text().await.unwrap());
        let r = client.put(format!("{url}/mamoru-auth")).send().await.unwrap();
        assert!(r.status().is_success(), "CreateBucket: {}", r.text().await.unwrap());
        (element(&xml, "AccessKeyId"), element(&xml, "SecretAccessKey"))
    });

    let loc = format!("s3:{url}/mamoru-auth/repo");
    let open = |key: &str, secret: &str| {
        let Location::S3(s3) = Location::parse_with(&loc, |_| None).unwrap() else { panic!("{loc} is not S3") };
        BackupRepo::with_location(Location::S3(s3.with_credentials(key, secret)), Password::new("x"))
    };
    // A wrong secret, and an unknown key: refused, and the message says where to look.
    for (k, s) in [(key.as_str(), "not-the-secret"), ("AKIAUNKNOWNKEY000000", secret.as_str())] {
        let e = open(k, s).snapshots().unwrap_err().to_string();
        assert!(e.contains("S3 refused it") && e.contains("AWS_SECRET_ACCESS_KEY") && e.contains(&loc), "{e}");
    }
    // The issued key gets past S3 (the bucket is empty, so there is no repository yet).
    let e = open(&key, &secret).snapshots().unwrap_err().to_string();
    assert!(e.contains("no repository here"), "{e}");
}
