//! The syslog receiver on a free port: UDP datagrams, TCP lines, TCP octet counting.

use std::time::Duration;

use mamoru_detect::event::SyslogOptions;
use mamoru_receive::Received;
use mamoru_receive::syslog::Receiver;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

fn options() -> SyslogOptions {
    SyslogOptions { year: 2025, time_zone: jiff::tz::TimeZone::get("Asia/Tokyo").unwrap(), not_after: None }
}

async fn start() -> (std::net::SocketAddr, mpsc::Receiver<Received>) {
    let receiver = Receiver::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = receiver.local_addr().unwrap();
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(receiver.run(options(), tx));
    (addr, rx)
}

/// Collects events until `n` have arrived (or a deadline passes).
async fn collect(rx: &mut mpsc::Receiver<Received>, n: usize) -> Vec<Received> {
    let mut got = Vec::new();
    let mut count = 0;
    while count < n {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(batch)) => {
                count += batch.events.len();
                got.push(batch);
            }
            _ => break,
        }
    }
    got
}

#[tokio::test]
async fn udp_datagrams_become_events_named_by_sender() {
    let (addr, mut rx) = start().await;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let line = r#"<189>date=2025-07-25 time=10:46:31 devname=FG-HQ devid=FGT60D logid=0100032002 type=event subtype=system level=alert user="admin" action=login status=failed"#;
    sock.send_to(line.as_bytes(), addr).await.unwrap();
    let got = collect(&mut rx, 1).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].origin.starts_with("udp:127.0.0.1:"), "{}", got[0].origin);
    let e = &got[0].events[0];
    assert_eq!(e.fields.to_json()["status"], "failed");
    assert_eq!(e.fields.to_json()["host"], "FG-HQ");
}

#[tokio::test]
async fn a_udp_burst_arrives_whole() {
    let (addr, mut rx) = start().await;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for i in 0..500 {
        let line = format!(
            "<38>Jun 14 15:16:01 combo sshd[{i}]: Failed password for root from 10.0.0.{} port 22 ssh2",
            i % 250
        );
        sock.send_to(line.as_bytes(), addr).await.unwrap();
        if i % 50 == 0 {
            // Loopback UDP drops when the receiver's buffer fills; pace the sender a little.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let got = collect(&mut rx, 500).await;
    let n: usize = got.iter().map(|b| b.events.len()).sum();
    assert_eq!(n, 500);
    assert!(got.len() < 500, "a burst is handed over in batches, not one by one ({} batches)", got.len());
}

#[tokio::test]
async fn tcp_lines_and_octet_counted_frames() {
    let (addr, mut rx) = start().await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let framed = "<34>1 2003-10-11T22:14:15.003Z host su - ID47 - 'su root' failed\nstill the same message";
    let payload = format!(
        "<38>Jun 14 15:16:01 combo sshd[1]: first line\n{} {framed}2016 Jun 16 00:00:00 combo sshd[2]: last line\n",
        framed.len()
    );
    stream.write_all(payload.as_bytes()).await.unwrap();
    stream.shutdown().await.unwrap();
    let got = collect(&mut rx, 3).await;
    let events: Vec<_> = got.iter().flat_map(|b| &b.events).collect();
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].fields.to_json()["message"], "first line");
    assert_eq!(events[1].fields.to_json()["program"], "su");
    assert_eq!(events[1].fields.to_json()["message"], "'su root' failed\nstill the same message");
    // Digits and a space that are not followed by `<PRI>` are a plain line, not a length.
    assert!(events[2].fields.to_json()["message"].as_str().unwrap().ends_with("last line"), "{:?}", events[2].fields);
    assert!(got[0].origin.starts_with("tcp:127.0.0.1:"));
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let first = Receiver::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = first.local_addr().unwrap();
    let err = Receiver::bind(addr).await.err().unwrap();
    assert!(err.to_string().starts_with(&format!("cannot listen for syslog on {addr}")), "{err}");
}
