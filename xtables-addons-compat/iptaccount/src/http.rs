// SPDX-License-Identifier: GPL-2.0-only
//! `--listen`: a minimal read-only HTTP/1.1 endpoint for a Prometheus scraper.
//!
//! Bounded by construction: one connection at a time (a scrape is one small request), a
//! request head of at most 8 KiB that must arrive whole within 5 s of the accept, a response
//! that must be taken whole within 5 s, whatever the pace of the client (a deadline for each,
//! not a timeout per read or write, which a client sending or taking one byte at a time would
//! renew forever), `Connection: close` after every response (then at most 1 s and 64 KiB of
//! leftover input discarded). Only `GET`/`HEAD /metrics` reads the counters, never flushing.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Largest request head read; anything longer is answered 431 and closed.
pub const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its whole request, and to take the whole response.
pub const DEADLINE: Duration = Duration::from_secs(5);

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

/// The time left until `deadline`, or a TimedOut error naming `what` once it has passed.
fn time_left(deadline: Instant, what: &str) -> io::Result<Duration> {
    match deadline.checked_duration_since(Instant::now()) {
        Some(left) if !left.is_zero() => Ok(left),
        _ => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("{what} by its deadline"),
        )),
    }
}

/// Reads the request head before `deadline`: up to the blank line, at most MAX_REQUEST bytes.
/// Ok(None): the head is too long.
fn read_head(stream: &mut TcpStream, deadline: Instant) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        stream.set_read_timeout(Some(time_left(deadline, "request not received")?))?;
        let n = match stream.read(&mut buf) {
            // Timed out (SO_RCVTIMEO) or interrupted: time_left() says whether time is left.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            r => r?,
        };
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

/// Writes all of `bytes` before `deadline`.
fn write_by(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.set_write_timeout(Some(time_left(deadline, "response not taken")?))?;
        match stream.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            // Timed out (SO_SNDTIMEO) or interrupted: time_left() says whether time is left.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn handle(
    mut stream: TcpStream,
    metrics: &mut dyn FnMut() -> Result<String, String>,
    deadline: Duration,
) -> io::Result<()> {
    let response = match read_head(&mut stream, Instant::now() + deadline)? {
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
    write_by(&mut stream, out.as_bytes(), Instant::now() + deadline)?;
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
        if let Err(e) = handle(stream, metrics, DEADLINE) {
            crate::warn!("iptaccount: {peer}: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;

    /// Serves one connection with `deadline` and a `body_len`-byte metrics body while
    /// `client` talks to it (told through its flag when handle() has returned); returns
    /// handle()'s result and what `client` returned.
    fn serve_one<T: Send + 'static>(
        deadline: Duration,
        body_len: usize,
        client: impl FnOnce(TcpStream, &AtomicBool) -> T + Send + 'static,
    ) -> (io::Result<()>, T) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handled = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&handled);
        let client = thread::spawn(move || client(TcpStream::connect(addr).unwrap(), &flag));
        let (stream, _) = listener.accept().unwrap();
        let served = handle(stream, &mut || Ok("m".repeat(body_len)), deadline);
        handled.store(true, Ordering::SeqCst);
        (served, client.join().unwrap())
    }

    /// How long a test client keeps going at its slow pace: far beyond the server's deadline.
    const PATIENCE: Duration = Duration::from_secs(20);

    #[test]
    fn a_client_sending_slowly_is_cut_off_at_the_deadline() {
        // One header line every 20 ms: each read gets data long before any per-read timeout.
        let (served, cut_off) = serve_one(Duration::from_millis(300), 1, |mut c, _| {
            let start = Instant::now();
            let _ = c.write_all(b"GET /metrics HTTP/1.1\r\n");
            while start.elapsed() < PATIENCE {
                if c.write_all(b"X: a\r\n").is_err() {
                    return true;
                }
                thread::sleep(Duration::from_millis(20));
            }
            false
        });
        assert_eq!(served.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(cut_off, "the client dribbled its request for {PATIENCE:?}");
    }

    #[test]
    fn a_client_reading_slowly_is_cut_off_at_the_deadline() {
        // 1 KiB every 10 ms of a 64 MiB response (each write makes progress) until the server
        // is done with it, then the rest as fast as it comes: less than the whole response.
        const BODY: usize = 64 << 20;
        let (served, got) = serve_one(Duration::from_millis(300), BODY, |mut c, handled| {
            let start = Instant::now();
            c.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
            let mut buf = vec![0u8; 1 << 20];
            let mut got = 0;
            while !handled.load(Ordering::SeqCst) && start.elapsed() < PATIENCE {
                match c.read(&mut buf[..1024]) {
                    Ok(0) | Err(_) => return got,
                    Ok(n) => got += n,
                }
                thread::sleep(Duration::from_millis(10));
            }
            while let Ok(n @ 1..) = c.read(&mut buf) {
                got += n;
            }
            got
        });
        assert_eq!(served.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(
            got < BODY,
            "the client took the whole response ({got} bytes)"
        );
    }

    #[test]
    fn a_prompt_client_is_served() {
        let (served, response) = serve_one(Duration::from_secs(5), 3, |mut c, _| {
            c.write_all(b"GET /metrics HTTP/1.0\r\n\r\n").unwrap();
            let mut response = String::new();
            c.read_to_string(&mut response).unwrap();
            response
        });
        served.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.ends_with("\r\n\r\nmmm"), "{response}");
    }

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
