//! The syslog receiver: UDP and TCP on the same port.

use std::net::SocketAddr;
use std::sync::Arc;

use mamoru_detect::event::{SyslogOptions, from_syslog_line};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc::Sender;

use crate::{BATCH, Received};

/// Longest message accepted on TCP (RFC 5425 asks receivers to take at least 8 KiB; some
/// firewalls send more).
const MAX_MESSAGE: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("cannot listen for syslog on {addr} ({proto}): {source}")]
    Bind { addr: SocketAddr, proto: &'static str, source: std::io::Error },
}

/// The bound sockets; bind first so the caller can report the port (`:0` picks one).
pub struct Receiver {
    udp: UdpSocket,
    tcp: TcpListener,
}

impl Receiver {
    pub async fn bind(addr: SocketAddr) -> Result<Self, ReceiveError> {
        let tcp = TcpListener::bind(addr).await.map_err(|source| ReceiveError::Bind { addr, proto: "tcp", source })?;
        // The same port number for UDP, even when the system picked it for TCP.
        let udp_addr = tcp.local_addr().unwrap_or(addr);
        let udp = UdpSocket::bind(udp_addr).await.map_err(|source| ReceiveError::Bind {
            addr: udp_addr,
            proto: "udp",
            source,
        })?;
        Ok(Receiver { udp, tcp })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    /// Receives until the channel is closed.
    pub async fn run(self, options: SyslogOptions, tx: Sender<Received>) {
        let options = Arc::new(options);
        let udp = tokio::spawn(run_udp(self.udp, options.clone(), tx.clone()));
        let tcp = tokio::spawn(run_tcp(self.tcp, options, tx));
        let _ = tokio::join!(udp, tcp);
    }
}

async fn run_udp(socket: UdpSocket, options: Arc<SyslogOptions>, tx: Sender<Received>) {
    let mut buf = vec![0u8; MAX_MESSAGE];
    loop {
        // Wait for a datagram, then take whatever else is already waiting, up to a batch:
        // a lone message goes out at once, a burst goes out in few hand-overs.
        let mut batch: Vec<(SocketAddr, String)> = Vec::new();
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else { continue };
        push_lines(&mut batch, peer, &buf[..n]);
        while batch.len() < BATCH {
            match socket.try_recv_from(&mut buf) {
                Ok((n, peer)) => push_lines(&mut batch, peer, &buf[..n]),
                Err(_) => break,
            }
        }
        for (peer, events) in by_peer(batch, &options) {
            if tx.send(Received { origin: format!("udp:{peer}"), sender: Some(peer.ip()), events }).await.is_err() {
                return;
            }
        }
    }
}

fn push_lines(batch: &mut Vec<(SocketAddr, String)>, peer: SocketAddr, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
        batch.push((peer, line.to_string()));
    }
}

fn by_peer(
    lines: Vec<(SocketAddr, String)>,
    options: &SyslogOptions,
) -> Vec<(SocketAddr, Vec<mamoru_detect::LogEvent>)> {
    let mut out: Vec<(SocketAddr, Vec<mamoru_detect::LogEvent>)> = Vec::new();
    for (peer, line) in lines {
        let event = from_syslog_line(&line, options);
        match out.iter_mut().find(|(p, _)| *p == peer) {
            Some((_, events)) => events.push(event),
            None => out.push((peer, vec![event])),
        }
    }
    out
}

async fn run_tcp(listener: TcpListener, options: Arc<SyslogOptions>, tx: Sender<Received>) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else { continue };
        tokio::spawn(read_stream(stream, peer, options.clone(), tx.clone()));
    }
}

/// One TCP sender. RFC 6587: a frame is either `LEN SP MSG` (octet counting) or a line.
/// Events are handed over when nothing more is buffered or a batch is full.
async fn read_stream(stream: TcpStream, peer: SocketAddr, options: Arc<SyslogOptions>, tx: Sender<Received>) {
    let origin = format!("tcp:{peer}");
    let mut reader = BufReader::new(stream);
    let mut events = Vec::new();
    loop {
        let frame = next_frame(&mut reader).await;
        let done = !matches!(frame, Ok(Some(_)));
        if let Ok(Some(msg)) = frame
            && !msg.trim().is_empty()
        {
            events.push(from_syslog_line(&msg, &options));
        }
        let flush = done || events.len() >= BATCH || reader.buffer().is_empty();
        if flush && !events.is_empty() {
            let batch =
                Received { origin: origin.clone(), sender: Some(peer.ip()), events: std::mem::take(&mut events) };
            if tx.send(batch).await.is_err() {
                return;
            }
        }
        if done {
            return;
        }
    }
}

async fn next_frame(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<String>> {
    let head = reader.fill_buf().await?;
    if head.is_empty() {
        return Ok(None);
    }
    // Octet counting is a length, a space and a message that starts with its `<PRI>`; a
    // plain line may also start with digits ("2016 Jun 16 ..."), never with that pattern.
    let digits = head.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && digits < 7 && head.get(digits) == Some(&b' ') && head.get(digits + 1) == Some(&b'<') {
        let len: usize = std::str::from_utf8(&head[..digits]).unwrap_or("0").parse().unwrap_or(0);
        reader.consume(digits + 1);
        let mut msg = vec![0u8; len.min(MAX_MESSAGE)];
        reader.read_exact(&mut msg).await?;
        if len > MAX_MESSAGE {
            // Skip the rest of an over-long frame rather than lose the stream's framing.
            let mut rest = (&mut *reader).take((len - MAX_MESSAGE) as u64);
            tokio::io::copy(&mut rest, &mut tokio::io::sink()).await?;
        }
        return Ok(Some(String::from_utf8_lossy(&msg).into_owned()));
    }
    let mut line = Vec::new();
    let n = (&mut *reader).take(MAX_MESSAGE as u64).read_until(b'\n', &mut line).await?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string()))
}
