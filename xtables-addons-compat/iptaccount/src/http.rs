// SPDX-License-Identifier: GPL-2.0-only
//! `--listen`: a minimal read-only HTTP/1.1 endpoint for a Prometheus scraper.
//!
//! Bounded by construction: one connection at a time (a scrape is one small request), a
//! request head of at most 8 KiB, 5-second read and write timeouts, `Connection: close`
//! after every response (then at most 1 s and 64 KiB of leftover input discarded). Only
//! `GET`/`HEAD /metrics` reads the counters, never flushing.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Largest request head read; anything longer is answered 431 and closed.
pub const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request or to take the response.
pub const TIMEOUT: Duration = Duration::from_secs(5);

const METRICS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
const TEXT_TYPE: &str = "text/plain; charset=utf-8";

/// A response: status line, content type, body.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    pub status: &'static str,
    pub content_type: &'static str,
    pub body: String,
    /// HEAD: headers only.
    pub head_only: bool,
}

fn text(status: &'static str, body: &str) -> Response {
    Response {
        status,
        content_type: TEXT_TYPE,
        body: format!("{body}\n"),
        head_only: false,
    }
}

/// Answers one request head; `metrics` reads the counters (Err: the kernel's message).
pub fn respond(head: &[u8], metrics: &mut dyn FnMut() -> Result<String, String>) -> Response {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = String::from_utf8_lossy(&head[..line_end]);
    let mut parts = line.trim_end_matches('\r').split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return text("400 Bad Request", "bad request line");
    };
    if !version.starts_with("HTTP/1.") {
        return text("505 HTTP Version Not Supported", "HTTP/1.x only");
    }
    let path = target.split('?').next().unwrap_or(target);
    if path != "/metrics" {
        return text("404 Not Found", "the metrics are at /metrics");
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            return text(
                "405 Method Not Allowed",
                "GET or HEAD only (read-only endpoint)",
            );
        }
    };
    match metrics() {
        Ok(body) => Response {
            status: "200 OK",
            content_type: METRICS_TYPE,
            body,
            head_only,
        },
        Err(e) => Response {
            head_only,
            ..text("500 Internal Server Error", &e)
        },
    }
}

/// Reads the request head: up to the blank line, at most MAX_REQUEST bytes.
/// Ok(None): the head is too long.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the request ended",
            ));
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n") {
            return Ok(Some(head));
        }
        if head.len() > MAX_REQUEST {
            return Ok(None);
        }
    }
}

fn handle(
    mut stream: TcpStream,
    metrics: &mut dyn FnMut() -> Result<String, String>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let response = match read_head(&mut stream)? {
        Some(head) => respond(&head, metrics),
        None => text("431 Request Header Fields Too Large", "request too large"),
    };
    let mut out = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    if response.status.starts_with("405") {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    if !response.head_only {
        out.push_str(&response.body);
    }
    stream.write_all(out.as_bytes())?;
    stream.flush()?;
    linger(&mut stream);
    Ok(())
}

/// Closing with unread input makes the kernel send a reset, which can destroy the response
/// before the client reads it (a refused oversized request). So: end our side, then discard
/// what the client still sends, for at most LINGER bytes or LINGER_TIME.
fn linger(stream: &mut TcpStream) {
    const LINGER: usize = 64 * 1024;
    const LINGER_TIME: Duration = Duration::from_secs(1);
    if stream.shutdown(Shutdown::Write).is_err()
        || stream.set_read_timeout(Some(LINGER_TIME)).is_err()
    {
        return;
    }
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let mut total = 0;
    while total < LINGER && start.elapsed() < LINGER_TIME {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => total += n,
        }
    }
}

/// Serves until the listener fails; a failed connection is reported and the next one served.
pub fn serve(
    listener: &TcpListener,
    metrics: &mut dyn FnMut() -> Result<String, String>,
) -> io::Result<()> {
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(conn) => conn,
            // The client gave up before we accepted: nothing to serve.
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(e) => return Err(e),
        };
        if let Err(e) = handle(stream, metrics) {
            crate::warn!("iptaccount: {peer}: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(head: &str) -> Response {
        respond(head.as_bytes(), &mut || Ok("m 1\n".to_string()))
    }

    #[test]
    fn routes() {
        let ok = ask("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(
            (ok.status, ok.body.as_str(), ok.head_only),
            ("200 OK", "m 1\n", false)
        );
        assert!(ask("HEAD /metrics?x=1 HTTP/1.0\r\n\r\n").head_only);
        assert_eq!(ask("GET / HTTP/1.1\r\n\r\n").status, "404 Not Found");
        assert_eq!(
            ask("POST /metrics HTTP/1.1\r\n\r\n").status,
            "405 Method Not Allowed"
        );
        assert_eq!(ask("GET /metrics\r\n\r\n").status, "400 Bad Request");
        assert_eq!(
            ask("GET /metrics SPDY/3\r\n\r\n").status,
            "505 HTTP Version Not Supported"
        );
        assert_eq!(ask("\u{0}\u{ff}").status, "400 Bad Request");
        let failed = respond(b"GET /metrics HTTP/1.1\r\n\r\n", &mut || {
            Err("no module".into())
        });
        assert_eq!(
            (failed.status, failed.body.as_str()),
            ("500 Internal Server Error", "no module\n")
        );
    }
}
