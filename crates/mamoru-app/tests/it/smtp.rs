//! A small SMTP server for the tests: speaks the dialogue lettre needs (220, EHLO, AUTH,
//! MAIL FROM, RCPT TO, DATA, QUIT) and records what it was told.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One mail as received.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mail {
    /// The AUTH line, if the client logged in.
    pub(crate) auth: Option<String>,
    pub(crate) from: String,
    pub(crate) to: Vec<String>,
    /// Headers and body as sent (dot-stuffing undone).
    pub(crate) data: String,
}

pub(crate) struct SmtpServer {
    pub(crate) port: u16,
    pub(crate) mails: Arc<Mutex<Vec<Mail>>>,
}

/// Listens on a free port; the first `refuse` sessions are turned away at MAIL FROM with a
/// temporary error (451), as a busy server does.
pub(crate) async fn smtp_server(refuse: usize) -> SmtpServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let log = mails.clone();
    tokio::spawn(async move {
        let mut sessions = 0;
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            sessions += 1;
            let refusing = sessions <= refuse;
            let log = log.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut mail = Mail::default();
                let _ = write.write_all(b"220 test.example ESMTP ready\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-test.example\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if upper.starts_with("AUTH") {
                        mail.auth = Some(line.clone());
                        b"235 2.7.0 authenticated\r\n"
                    } else if upper.starts_with("MAIL FROM:") && refusing {
                        b"451 4.3.0 try again later\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        mail.from = line[10..].split_whitespace().next().unwrap_or("").to_owned();
                        b"250 ok\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        mail.to.push(line[8..].split_whitespace().next().unwrap_or("").to_owned());
                        b"250 ok\r\n"
                    } else if upper == "DATA" {
                        let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            mail.data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            mail.data.push('\n');
                        }
                        log.lock().unwrap().push(std::mem::take(&mut mail));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    SmtpServer { port, mails }
}
