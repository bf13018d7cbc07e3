// SPDX-License-Identifier: GPL-2.0-only
//! End-to-end tests of the send_sysrq binary: what it prints and sends must verify with the
//! shim (the module's own logic) and with coreutils' sha*sum (the upstream shell recipe).

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use shim::hash::Hash;

const BIN: &str = env!("CARGO_BIN_EXE_send_sysrq");
const PASSWORD: &str = "correct horse,battery";
const V4_TEXT: &str = "127.0.0.1";
const V6_TEXT: &str = "0000:0000:0000:0000:0000:0000:0000:0001";

/// A fresh directory under cargo's per-target temporary directory.
fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "send_sysrq-{}-{name}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary in a new session (no controlling terminal, so it can never prompt on the
/// terminal running the tests) with a clean password environment.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("SYSRQ_PASSWORD")
        .stdin(Stdio::null());
    // Safety: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    cmd
}

fn run(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The run failed with exit status 1 (nothing could be sent) and said `message` on stderr.
fn assert_failure(out: &Output, message: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
    assert!(stderr(out).contains(message), "{}", stderr(out));
}

fn password_file(dir: &Path, content: &str) -> PathBuf {
    let path = dir.join("password");
    fs::write(&path, content).unwrap();
    path
}

/// A successful dry run's payload.
fn dry_run(args: &[&str]) -> Vec<u8> {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out.stdout
}

struct Request {
    keys: String,
    seqno: u64,
    salt: String,
    digest: String,
}

fn fields(payload: &[u8]) -> Request {
    let text = std::str::from_utf8(payload).unwrap();
    let parts: Vec<&str> = text.split(',').collect();
    assert_eq!(parts.len(), 4, "{text}");
    Request {
        keys: parts[0].to_owned(),
        seqno: parts[1].parse().unwrap(),
        salt: parts[2].to_owned(),
        digest: parts[3].to_owned(),
    }
}

/// Does the module's verification (the shim) accept `payload`?
fn shim_accepts(hash: Hash, payload: &[u8], dst: &str, password: &str) -> bool {
    shim::sysrq::verify(hash, payload, dst.as_bytes(), password.as_bytes()).is_ok()
}

/// The upstream shell recipe's digest, from coreutils (independent of the shim).
fn coreutils_digest(hash: Hash, message: &str) -> String {
    let mut child = Command::new(format!("{}sum", hash.name()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned()
}

/// Checks a payload completely: format, salt, both verifiers, and that any other
/// password or destination is refused.
fn check_request(hash: Hash, payload: &[u8], keys: &str, dst: &str, password: &str) -> Request {
    let r = fields(payload);
    assert_eq!(r.keys, keys);
    assert!(
        r.salt.len() == 16
            && r.salt
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let message = format!("{},{},{},{dst},{password}", r.keys, r.seqno, r.salt);
    assert_eq!(
        r.digest,
        coreutils_digest(hash, &message),
        "{}",
        hash.name()
    );
    assert!(
        shim_accepts(hash, payload, dst, password),
        "{}",
        hash.name()
    );
    assert!(!shim_accepts(hash, payload, dst, "wrong"));
    let other = if dst == V4_TEXT { "127.0.0.2" } else { V4_TEXT };
    assert!(!shim_accepts(hash, payload, other, password));
    r
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn dry_run_verifies_for_every_hash_v4_and_v6() {
    let dir = scratch("hashes");
    let pw = password_file(&dir, &format!("{PASSWORD}\nsecond line ignored\n"));
    let state = dir.join("state");
    for hash in Hash::ALL {
        for (host, dst) in [
            ("127.0.0.1", V4_TEXT),
            ("::1", V6_TEXT),
            ("::ffff:127.0.0.1", V4_TEXT),
        ] {
            let before = now();
            let payload = dry_run(&[
                "--dry-run",
                "--hash",
                hash.name(),
                "--password-file",
                pw.to_str().unwrap(),
                "--state-dir",
                state.to_str().unwrap(),
                host,
                "sub",
            ]);
            let r = check_request(hash, &payload, "sub", dst, PASSWORD);
            assert!(r.seqno >= before && r.seqno <= now());
        }
    }
    // A dry run neither creates nor updates state.
    assert!(!state.exists());
}

#[test]
fn salts_differ() {
    let dir = scratch("salts");
    let args = [
        "-n",
        "--password=pw",
        "--state-dir",
        dir.to_str().unwrap(),
        "127.0.0.1",
        "s",
    ];
    assert_ne!(fields(&dry_run(&args)).salt, fields(&dry_run(&args)).salt);
}

#[test]
fn password_from_environment() {
    let dir = scratch("env");
    let out = command(&["-n", "--state-dir", dir.to_str().unwrap(), "::1", "b"])
        .env("SYSRQ_PASSWORD", "from-env")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty());
    check_request(Hash::Sha1, &out.stdout, "b", V6_TEXT, "from-env");
}

#[test]
fn password_file_beats_environment_and_command_line_warns() {
    let dir = scratch("sources");
    let pw = password_file(&dir, "from-file");
    let read_file = || {
        command(&[
            "-n",
            "-f",
            pw.to_str().unwrap(),
            "--state-dir",
            dir.to_str().unwrap(),
            "127.0.0.1",
            "s",
        ])
        .env("SYSRQ_PASSWORD", "from-env")
        .output()
        .unwrap()
    };
    fs::set_permissions(&pw, fs::Permissions::from_mode(0o644)).unwrap();
    let out = read_file();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("accessible by other users"),
        "{}",
        stderr(&out)
    );
    fs::set_permissions(&pw, fs::Permissions::from_mode(0o600)).unwrap();
    let out = read_file();
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    check_request(Hash::Sha1, &out.stdout, "s", V4_TEXT, "from-file");

    let out = run(&[
        "-n",
        "--password",
        "on-cmdline",
        "--state-dir",
        dir.to_str().unwrap(),
        "127.0.0.1",
        "s",
    ]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("warning: a password on the command line is visible"),
        "{}",
        stderr(&out)
    );
    check_request(Hash::Sha1, &out.stdout, "s", V4_TEXT, "on-cmdline");
}

/// Runs the binary with a pseudo-terminal as its controlling terminal and returns the
/// master side, the slave side (held open so that reading the master never fails with EIO
/// while the child has no descriptor of the terminal open) and the child.
fn spawn_on_pty(args: &[&str]) -> (std::fs::File, OwnedFd, std::process::Child) {
    let (mut master, mut slave) = (-1, -1);
    // Safety: both out-pointers are valid; name, termios and winsize may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0);
    // Safety: openpty returned two fresh descriptors that we now own.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // Keep both ends out of the children that other tests spawn meanwhile.
    for fd in [&master, &slave] {
        // Safety: fd is open; FD_CLOEXEC is the only descriptor flag.
        assert_eq!(
            unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) },
            0
        );
    }
    let slave_fd = slave.as_raw_fd();
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("SYSRQ_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Safety: setsid, ioctl and signal are async-signal-safe; slave_fd stays open in the
    // child until exec (it is closed on exec, the terminal stays the controlling one).
    unsafe {
        cmd.pre_exec(move || {
            if libc::setsid() < 0 || libc::ioctl(slave_fd, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // An interactive session: a shell's background job (as CI may be) inherits
            // SIGINT and SIGQUIT ignored, and send_sysrq rightly keeps ignored signals so.
            for sig in [libc::SIGINT, libc::SIGQUIT] {
                if libc::signal(sig, libc::SIG_DFL) == libc::SIG_ERR {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    (std::fs::File::from(master), slave, child)
}

/// Reads from the pty master until `want` has appeared; returns everything read.
fn read_until(master: &mut std::fs::File, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains(want) {
        assert!(
            Instant::now() < deadline,
            "no {want:?} on the terminal, got {:?}",
            String::from_utf8_lossy(&seen)
        );
        let mut buf = [0u8; 256];
        let n = master.read(&mut buf).unwrap();
        seen.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn echo_is_on(master: &std::fs::File) -> bool {
    // Safety: termios is plain integers; tcgetattr fills it; the fd is open.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(master.as_raw_fd(), &mut t) }, 0);
    t.c_lflag & libc::ECHO != 0
}

/// A dry run on a terminal, stopped at its password prompt, which has turned echo off.
fn at_password_prompt(name: &str) -> (std::fs::File, OwnedFd, std::process::Child) {
    let dir = scratch(name);
    let (mut master, slave, child) =
        spawn_on_pty(&["-n", "--state-dir", dir.to_str().unwrap(), "127.0.0.1", "s"]);
    read_until(&mut master, "Password: ");
    assert!(!echo_is_on(&master));
    (master, slave, child)
}

#[test]
fn prompt_reads_without_echo() {
    let (mut master, _slave, child) = at_password_prompt("prompt");
    master.write_all(b"typed-secret\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(echo_is_on(&master));
    check_request(Hash::Sha1, &out.stdout, "s", V4_TEXT, "typed-secret");
    // Nothing typed came back on the terminal.
    let mut rest = [0u8; 256];
    // Safety: making the descriptor non-blocking so the read below returns what is pending.
    unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
    let n = master.read(&mut rest).unwrap_or(0);
    assert!(!String::from_utf8_lossy(&rest[..n]).contains("typed-secret"));
}

#[test]
fn ctrl_c_at_prompt_restores_the_terminal() {
    let (mut master, _slave, child) = at_password_prompt("ctrlc");
    master.write_all(b"half\x03").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGINT),
        "{:?} {}",
        out.status,
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    assert!(echo_is_on(&master));
}

#[test]
fn no_password_source_is_a_clear_error() {
    let dir = scratch("nopw");
    let out = run(&["-n", "--state-dir", dir.to_str().unwrap(), "127.0.0.1", "s"]);
    assert_failure(&out, "no terminal");
}

/// The arguments of a request for key `s` to the listener on 127.0.0.1:`port`, with the test
/// password and the state in `state`.
fn request_to<'a>(port: &'a str, state: &'a str) -> [&'a str; 8] {
    [
        "-p",
        port,
        "--password",
        PASSWORD,
        "--state-dir",
        state,
        "127.0.0.1",
        "s",
    ]
}

/// A UDP listener on `addr` and the port it got.
fn listener(addr: &str) -> (UdpSocket, String) {
    let socket = UdpSocket::bind(addr).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let port = socket.local_addr().unwrap().port().to_string();
    (socket, port)
}

fn receive(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0u8; 2048];
    let (n, from) = socket.recv_from(&mut buf).unwrap();
    (buf[..n].to_vec(), from)
}

fn state_seqno(dir: &Path, host: &str) -> u64 {
    fs::read_to_string(dir.join(format!("{host}.seqno")))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn sends_exactly_the_request_over_ipv4_and_ipv6() {
    let dir = scratch("send");
    let state = dir.to_str().unwrap();
    for (bind, host, source, dst, hash) in [
        ("127.0.0.1:0", "127.0.0.1", "127.0.0.2", V4_TEXT, Hash::Sha1),
        ("[::1]:0", "::1", "::1", V6_TEXT, Hash::Sha256),
    ] {
        let (socket, port) = listener(bind);
        let out = run(&[
            "-v",
            "-p",
            &port,
            "--hash",
            hash.name(),
            "-s",
            source,
            "--password",
            PASSWORD,
            "--state-dir",
            state,
            host,
            "h",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        let (payload, from) = receive(&socket);
        assert_eq!(from.ip().to_string(), source);
        let r = check_request(hash, &payload, "h", dst, PASSWORD);
        assert!(
            stderr(&out).contains(&format!("sending {} bytes to", payload.len())),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(std::str::from_utf8(&payload).unwrap()));
        assert_eq!(state_seqno(&dir, host), r.seqno);
    }
}

#[test]
fn seqno_increases_across_runs_and_resyncs() {
    let dir = scratch("monotonic");
    let state = dir.to_str().unwrap();
    let (socket, port) = listener("127.0.0.1:0");
    let send = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(request_to(&port, state));
        let out = run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let (payload, _) = receive(&socket);
        check_request(Hash::Sha1, &payload, "s", V4_TEXT, PASSWORD).seqno
    };
    // Several within the same second still increase.
    let first = send(&[]);
    let mut last = first;
    for _ in 0..3 {
        let next = send(&[]);
        assert!(next > last);
        last = next;
    }
    assert_eq!(state_seqno(&dir, "127.0.0.1"), last);
    // A dry run shows the next seqno without consuming it.
    let peeked = fields(&dry_run(&[
        "-n",
        "--password=x",
        "--state-dir",
        state,
        "127.0.0.1",
        "s",
    ]))
    .seqno;
    assert!(peeked > last);
    assert_eq!(state_seqno(&dir, "127.0.0.1"), last);
    // --seqno forces a value (resync after the module's seqno was set by hand); later ones follow it.
    let forced = now() + 100_000;
    assert_eq!(send(&["--seqno", &forced.to_string()]), forced);
    assert_eq!(send(&[]), forced + 1);
    // A corrupt state file is reported, not silently reset.
    fs::write(dir.join("127.0.0.1.seqno"), "garbage\n").unwrap();
    let out = run(&request_to(&port, state));
    assert_failure(&out, "does not hold a sequence number");
}

#[test]
fn concurrent_senders_never_share_a_seqno() {
    let dir = scratch("concurrent");
    let state = dir.to_str().unwrap();
    let (socket, port) = listener("127.0.0.1:0");
    const ROUNDS: usize = 3;
    const SENDERS: usize = 8;
    let mut seqnos = Vec::new();
    for _ in 0..ROUNDS {
        let children: Vec<_> = (0..SENDERS)
            .map(|_| {
                command(&request_to(&port, state))
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
            })
            .collect();
        for child in children {
            assert!(child.wait_with_output().unwrap().status.success());
        }
        seqnos.extend(
            (0..SENDERS).map(|_| {
                check_request(Hash::Sha1, &receive(&socket).0, "s", V4_TEXT, PASSWORD).seqno
            }),
        );
    }
    // The lock is held until the packet has left, so they arrive in increasing order.
    assert!(seqnos.windows(2).all(|w| w[0] < w[1]), "{seqnos:?}");
    assert_eq!(state_seqno(&dir, "127.0.0.1"), seqnos[ROUNDS * SENDERS - 1]);
}

/// Runs the binary as a regular user with only `env` in its environment. Root always uses
/// /var/lib/send_sysrq, so when the tests run as root the binary runs as nobody, from a copy
/// in `dir` (the build tree may sit under a directory nobody cannot enter).
fn output_as_user(args: &[&str], env: &[(&str, &Path)], dir: &Path) -> Output {
    // Safety: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return command(args)
            .env_clear()
            .envs(env.iter().copied())
            .output()
            .unwrap();
    }
    const NOBODY: u32 = 65534;
    let bin = dir.join("send_sysrq");
    if !bin.exists() {
        fs::copy(BIN, &bin).unwrap();
        std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let mut cmd = Command::new(&bin);
    cmd.args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .uid(NOBODY)
        .gid(NOBODY);
    // A test thread forking while the copy was open for writing keeps it busy until its exec.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match cmd.output() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            result => return result.unwrap(),
        }
    }
}

#[test]
fn default_state_dir_for_users_follows_xdg() {
    let (socket, port) = listener("127.0.0.1:0");
    let dir = std::env::temp_dir().join(format!("send_sysrq-xdg-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let args = ["-p", &port, "--password=x", "127.0.0.1", "s"];
    let home = dir.join("home");
    let xdg = dir.join("xdg");
    for (env, state) in [
        (
            vec![("HOME", home.as_path())],
            home.join(".local/state/send_sysrq"),
        ),
        (
            vec![("HOME", &home), ("XDG_STATE_HOME", &xdg)],
            xdg.join("send_sysrq"),
        ),
    ] {
        let out = output_as_user(&args, &env, &dir);
        assert!(out.status.success(), "{}", stderr(&out));
        let (payload, _) = receive(&socket);
        assert_eq!(state_seqno(&state, "127.0.0.1"), fields(&payload).seqno);
        let mode = fs::metadata(&state).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    let out = output_as_user(&args, &[], &dir);
    assert_failure(&out, "HOME is not set");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_gives_a_clear_message_and_fails() {
    let dir = scratch("bad");
    let state = dir.to_str().unwrap();
    let long = "x".repeat(64);
    let long_file = password_file(&dir, &format!("{long}\n"));
    let cases: &[(&[&str], i32, &str)] = &[
        (&["127.0.0.1", ""], 2, "KEYS is empty"),
        (&["127.0.0.1", "s,b"], 2, "comma"),
        (&["127.0.0.1", &"s".repeat(500)], 2, "KEYS is too long"),
        (&["127.0.0.1", "s b"], 2, "printable"),
        (
            &["--hash", "md5", "127.0.0.1", "s"],
            2,
            "unknown hash 'md5'",
        ),
        (
            &["--password", &long, "127.0.0.1", "s"],
            2,
            "longer than 63 bytes",
        ),
        (
            &["-f", long_file.to_str().unwrap(), "127.0.0.1", "s"],
            2,
            "longer than 63 bytes",
        ),
        (&["--password=", "127.0.0.1", "s"], 2, "empty"),
        (
            &["-f", "/nonexistent/pw", "127.0.0.1", "s"],
            1,
            "cannot open password file",
        ),
        (&["-p", "0", "127.0.0.1", "s"], 2, "not a port number"),
        (
            &["--port", "99999", "127.0.0.1", "s"],
            2,
            "not a port number",
        ),
        (
            &["--port", "nine", "127.0.0.1", "s"],
            2,
            "not a port number",
        ),
        (
            &["nonexistent.invalid", "s"],
            1,
            "cannot resolve nonexistent.invalid",
        ),
        (&["-6", "127.0.0.1", "s"], 1, "no IPv6 address"),
        (&["--seqno", "-1", "127.0.0.1", "s"], 2, "--seqno"),
        (&["127.0.0.1"], 2, "HOST and KEYS"),
        (
            &["--frobnicate", "127.0.0.1", "s"],
            2,
            "unrecognized option '--frobnicate'",
        ),
    ];
    for (args, code, message) in cases {
        let mut all = vec!["-n", "--state-dir", state];
        all.extend_from_slice(args);
        let out = command(&all).env("SYSRQ_PASSWORD", "pw").output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {err}");
        assert!(
            err.starts_with("send_sysrq: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // Sending to a port nobody listens on is not an error for UDP, but sending from an
    // address we do not have is.
    let out = run(&[
        "--password=pw",
        "--state-dir",
        state,
        "-s",
        "192.0.2.1",
        "127.0.0.1",
        "s",
    ]);
    assert_failure(&out, "cannot bind to 192.0.2.1");
}

#[test]
fn help_and_version() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for option in [
        "--port",
        "--hash",
        "--password-file",
        "--state-dir",
        "--seqno",
        "--dry-run",
        "SYSRQ_PASSWORD",
    ] {
        assert!(help.contains(option), "{option}");
    }
    let out = run(&["--version"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("send_sysrq (xtables-addons-rs) ")
    );
}

#[test]
fn man_page_renders_cleanly_and_documents_every_option() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../man8/send_sysrq.8");
    let out = Command::new("groff")
        .args(["-man", "-ww", "-z"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        stderr(&out)
    );
    let man = fs::read_to_string(&page).unwrap();
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    let options: Vec<&str> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    assert!(options.len() >= 13, "{options:?}");
    for option in options {
        assert!(
            man.contains(&option.replace('-', "\\-")),
            "{option} missing from the man page"
        );
    }
}
