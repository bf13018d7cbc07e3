// SPDX-License-Identifier: GPL-2.0-only
//! The daemon: command lines of knockd and tportknockd (chosen by argv[0]), then the capture loop.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::capture::{self, Ring};
use crate::conf_knockd;
use crate::config::{self, Config, Door};
use crate::log::Logger;
use crate::runner::Runner;
use crate::tracker::{Event, Tracker};
use crate::{bpf, iface, packet};
use xa_cli::getopt::{self, Arg, Opt, getopt};

/// Default bound on tracked attempts (about 100 bytes each).
const MAX_ATTEMPTS: usize = 65536;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Knockd,
    Tport,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Knockd => "knockd",
            Tool::Tport => "tportknockd",
        }
    }
}

struct Settings {
    tool: Tool,
    config: PathBuf,
    interface: Option<String>,
    daemon: bool,
    debug: bool,
    verbose: bool,
    lookup: bool,
    pid_file: Option<PathBuf>,
    log_file: Option<PathBuf>,
    ipv6: bool,
    check: bool,
    refresh: Option<Duration>,
    max_attempts: usize,
}

/// In knockd 0.8's order, which its ambiguity messages list.
const KNOCKD_OPTIONS: &[Opt<&str>] = &[
    Opt::named_flag("verbose", Some(b'v')),
    Opt::named_flag("debug", Some(b'D')),
    Opt::named_flag("daemon", Some(b'd')),
    Opt::named_flag("lookup", Some(b'l')),
    Opt::named_value("interface", Some(b'i')),
    Opt::named_value("config", Some(b'c')),
    Opt::named_flag("help", Some(b'h')),
    Opt::named_value("pidfile", Some(b'p')),
    Opt::named_value("logfile", Some(b'g')),
    Opt::named_flag("only-ip-v4", Some(b'4')),
    Opt::named_flag("version", Some(b'V')),
    Opt::named_flag("check", None),
    Opt::named_value("max-attempts", None),
];

const TPORT_OPTIONS: &[Opt<&str>] = &[
    Opt::named_value("config", Some(b'c')),
    Opt::named_value("check", Some(b'C')),
    Opt::named_value("interface", Some(b'i')),
    Opt::named_value("refresh", Some(b'r')),
    Opt::named_flag("list", Some(b'l')),
    Opt::named_flag("debug", Some(b'd')),
    Opt::named_flag("daemon", Some(b'D')),
    Opt::named_flag("help", Some(b'h')),
    Opt::named_flag("version", Some(b'V')),
    Opt::named_value("logfile", None),
    Opt::named_value("pidfile", None),
    Opt::named_value("max-attempts", None),
];

fn usage(tool: Tool) -> String {
    match tool {
        Tool::Knockd => "\
usage: knockd [options]
options:
  -i, --interface <int>  network interface to listen on (default \"eth0\")
  -d, --daemon           run as a daemon
  -c, --config <file>    use an alternate config file (default /etc/knockd.conf)
  -D, --debug            output debug messages
  -l, --lookup           lookup DNS names (may be a security risk)
  -p, --pidfile <file>   use an alternate pidfile
  -g, --logfile <file>   use an alternate logfile
  -v, --verbose          be verbose
  -4, --only-ip-v4       do not track ipv6
  -V, --version          display version
  -h, --help             this help
      --check            check the config file, print its sequences and exit
      --max-attempts <n> track at most n knock attempts (default 65536)
"
        .to_string(),
        Tool::Tport => "\
usage: tportknockd [options]
options:
  -c <config>   configuration file with the knock sequences (default /etc/tportknockd.conf)
  -C <config>   check a configuration file, display all sequences and exit
  -i <device>   interface to listen on (default eth0)
  -r <sec>      re-read the interface's IP addresses every <sec> seconds
  -l            list the network devices and exit
  -d            debug
  -D            daemon mode
  -h            help
  --logfile <file>, --pidfile <file>, --max-attempts <n>   as for knockd
"
        .to_string(),
    }
}

fn version(tool: Tool) -> String {
    format!(
        "{} (xtables-addons-rs) {}",
        tool.name(),
        env!("CARGO_PKG_VERSION")
    )
}

enum Parsed {
    Run(Settings),
    Exit(ExitCode),
}

fn parse_args(tool: Tool, argv: impl IntoIterator<Item = OsString>) -> Result<Parsed, String> {
    let options = if tool == Tool::Knockd {
        KNOCKD_OPTIONS
    } else {
        TPORT_OPTIONS
    };
    let default_config = if tool == Tool::Knockd {
        "/etc/knockd.conf"
    } else {
        "/etc/tportknockd.conf"
    };
    let mut s = Settings {
        tool,
        config: PathBuf::from(default_config),
        interface: None,
        daemon: false,
        debug: false,
        verbose: false,
        lookup: false,
        pid_file: None,
        log_file: None,
        ipv6: true,
        check: false,
        refresh: None,
        max_attempts: MAX_ATTEMPTS,
    };
    for arg in getopt(argv, options) {
        let (name, value) = match arg.map_err(|e| e.to_string())? {
            Arg::Opt(n, v) => (n, getopt::text(n, v.unwrap_or_default())?),
            Arg::Operand(p) => {
                return Err(format!("unexpected argument '{}'", p.to_string_lossy()));
            }
        };
        match (tool, name) {
            (_, "help") => {
                print!("{}", usage(tool));
                return Ok(Parsed::Exit(ExitCode::SUCCESS));
            }
            (_, "version") => {
                println!("{}", version(tool));
                return Ok(Parsed::Exit(ExitCode::SUCCESS));
            }
            (Tool::Tport, "list") => return Ok(Parsed::Exit(list_interfaces())),
            (Tool::Tport, "check") => {
                s.check = true;
                s.config = PathBuf::from(value);
            }
            (Tool::Knockd, "check") => s.check = true,
            (Tool::Knockd, "lookup") => s.lookup = true,
            (_, "config") => s.config = PathBuf::from(value),
            (_, "interface") => s.interface = Some(value),
            (_, "daemon") => s.daemon = true,
            (Tool::Tport, "debug") => {
                s.debug = true;
                s.verbose = true;
            }
            (_, "debug") => s.debug = true,
            (_, "verbose") => s.verbose = true,
            (_, "pidfile") => s.pid_file = Some(PathBuf::from(value)),
            (_, "logfile") => s.log_file = Some(PathBuf::from(value)),
            (_, "only-ip-v4") => s.ipv6 = false,
            (_, "refresh") => match getopt::number::<u32>(name, &value)? {
                0 => return Err("option --refresh: must be at least 1 second".into()),
                n => s.refresh = Some(Duration::from_secs(n.into())),
            },
            (_, "max-attempts") => match getopt::number::<usize>(name, &value)? {
                0 => return Err("option --max-attempts: must be at least 1".into()),
                n => s.max_attempts = n,
            },
            _ => return Err(format!("unhandled option --{name}")),
        }
    }
    Ok(Parsed::Run(s))
}

fn list_interfaces() -> ExitCode {
    match iface::all() {
        Ok(all) => {
            for (name, addrs) in all {
                let a: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
                println!("{name}\t{}", a.join(" "));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tportknockd: cannot list interfaces: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Entry point shared by `knockd` and `tportknockd`.
pub fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let invoked = argv.next().map(PathBuf::from);
    let tool = match invoked.as_deref().and_then(Path::file_name) {
        Some(name) if name == "tportknockd" => Tool::Tport,
        _ => Tool::Knockd,
    };
    let settings = match parse_args(tool, argv) {
        Ok(Parsed::Run(s)) => s,
        Ok(Parsed::Exit(code)) => return code,
        Err(e) => {
            eprintln!("{}: {e}", tool.name());
            eprint!("{}", usage(tool));
            return ExitCode::from(2);
        }
    };
    let config = match config::load(&settings.config) {
        Ok(c) => c,
        Err(errors) => {
            for e in &errors {
                match e.line {
                    0 => eprintln!("{}: {e}", tool.name()),
                    _ => eprintln!("{}: {e}", settings.config.display()),
                }
            }
            if settings.check {
                eprintln!("{}: {} error(s)", settings.config.display(), errors.len());
            }
            return ExitCode::from(1);
        }
    };
    if settings.check {
        print!("{}", config::describe(&config));
        println!(
            "{}: OK, {} sequence(s)",
            settings.config.display(),
            config.doors.len()
        );
        return ExitCode::SUCCESS;
    }
    match Daemon::start(settings, config) {
        Ok(mut d) => d.run(),
        Err(e) => {
            eprintln!("{}: {e}", tool.name());
            ExitCode::from(1)
        }
    }
}

static TERMINATE: AtomicBool = AtomicBool::new(false);
static RELOAD: AtomicBool = AtomicBool::new(false);
static REPORT: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(sig: libc::c_int) {
    match sig {
        libc::SIGHUP => RELOAD.store(true, Ordering::Relaxed),
        libc::SIGUSR1 => REPORT.store(true, Ordering::Relaxed),
        _ => TERMINATE.store(true, Ordering::Relaxed),
    }
}

fn install_signals() {
    for sig in [libc::SIGHUP, libc::SIGTERM, libc::SIGINT, libc::SIGUSR1] {
        // Safety: the handler only stores to atomics (async-signal-safe); no SA_RESTART, so
        // poll() returns early and the loop sees the flag at once.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// Reverse lookup for `-l`; None when there is no name.
fn host_name(ip: &IpAddr) -> Option<String> {
    let sa = std::net::SocketAddr::new(*ip, 0);
    let (storage, len) = xa_cli::net::sockaddr(sa);
    let mut host = [0 as libc::c_char; 1025];
    // Safety: `storage` holds a sockaddr of `len` bytes; `host` is a writable buffer of its size.
    let rc = unsafe {
        libc::getnameinfo(
            (&storage as *const libc::sockaddr_storage).cast(),
            len,
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    // Safety: on success getnameinfo wrote a NUL-terminated string into `host`.
    (rc == 0).then(|| {
        unsafe { std::ffi::CStr::from_ptr(host.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    })
}

struct Daemon {
    s: Settings,
    config: Config,
    interface: String,
    addresses: Vec<IpAddr>,
    ring: Ring,
    tracker: Tracker,
    runner: Runner,
    log: Logger,
    pid_file: Option<PathBuf>,
    inspected: u64,
    drops: u64,
}

impl Daemon {
    fn start(s: Settings, config: Config) -> Result<Daemon, String> {
        let interface = s
            .interface
            .clone()
            .or_else(|| config.options.interface.clone())
            .unwrap_or_else(|| "eth0".into());
        let index =
            capture::ifindex(&interface).map_err(|e| format!("could not open {interface}: {e}"))?;
        let mut log = Logger::new(s.verbose, s.debug);
        if config.options.use_syslog || (s.tool == Tool::Tport && s.daemon) {
            log.open_syslog(s.tool.name());
        }
        if let Some(path) = s.log_file.as_ref().or(config.options.log_file.as_ref()) {
            log.open_file(path)
                .map_err(|e| format!("cannot open logfile {}: {e}", path.display()))?;
        }
        let addresses = iface::addresses(&interface)
            .map_err(|e| format!("could not get IP addresses of {interface}: {e}"))?;
        let filter = Self::filter(&config.doors, &addresses, s.ipv6)?;
        let ring = Ring::open(&filter).map_err(|e| format!("cannot open packet socket: {e}"))?;
        ring.bind(index)
            .map_err(|e| format!("cannot listen on {interface}: {e}"))?;
        let pid_file = s.daemon.then(|| {
            s.pid_file
                .clone()
                .or_else(|| config.options.pid_file.clone())
                .unwrap_or_else(|| PathBuf::from(format!("/var/run/{}.pid", s.tool.name())))
        });
        if s.daemon {
            // Safety: daemon(3) forks before any thread exists; the ring fd stays open.
            if unsafe { libc::daemon(0, 0) } != 0 {
                return Err(format!("daemon: {}", std::io::Error::last_os_error()));
            }
        }
        if let Some(p) = &pid_file
            && let Err(e) = std::fs::write(p, format!("{}\n", std::process::id()))
        {
            log.error(&format!("could not create pid file {}: {e}", p.display()));
        }
        install_signals();
        Ok(Daemon {
            tracker: Tracker::new(s.max_attempts),
            s,
            config,
            interface,
            addresses,
            ring,
            runner: Runner::default(),
            log,
            pid_file,
            inspected: 0,
            drops: 0,
        })
    }

    /// The filter for these doors; door targets count as our addresses.
    fn filter(doors: &[Door], addresses: &[IpAddr], ipv6: bool) -> Result<Vec<bpf::Insn>, String> {
        let mut all = addresses.to_vec();
        all.extend(doors.iter().filter_map(|d| d.target));
        bpf::compile(doors, &all, ipv6)
    }

    fn refilter(&mut self) {
        let applied = Self::filter(&self.config.doors, &self.addresses, self.s.ipv6)
            .and_then(|f| self.ring.set_filter(&f).map_err(|e| e.to_string()));
        if let Err(e) = applied {
            self.log
                .error(&format!("cannot update the packet filter: {e}"));
        }
    }

    fn run(&mut self) -> ExitCode {
        let addrs: Vec<String> = self.addresses.iter().map(|a| a.to_string()).collect();
        self.log
            .debug(|| format!("local addresses: {}", addrs.join(" ")));
        if self.addresses.is_empty() {
            let hint = if self.s.refresh.is_some() {
                "until -r finds one"
            } else {
                "until SIGHUP"
            };
            self.log.error(&format!(
                "warning: {} has no IP address: no knock can be seen {hint}",
                self.interface
            ));
        }
        if self.s.verbose {
            println!("listening on {}...", self.interface);
        }
        self.log
            .event(&format!("starting up, listening on {}", self.interface));
        let mut events = Vec::new();
        let mut next_expire = Instant::now() + Duration::from_secs(1);
        let mut next_refresh = self.s.refresh.map(|r| Instant::now() + r);
        let mut status = ExitCode::SUCCESS;
        while !TERMINATE.load(Ordering::Relaxed) {
            let now = Instant::now();
            let wake = [Some(next_expire), next_refresh, self.runner.next_deadline()]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(now);
            let mut wait = wake
                .saturating_duration_since(now)
                .min(Duration::from_millis(200));
            if self.runner.busy() {
                wait = wait.min(Duration::from_millis(50));
            }
            if let Err(e) = self.ring.wait(wait.as_millis() as i32) {
                // As knockd: a capture error (usually the interface going away) ends the daemon.
                self.log
                    .error(&format!("capture on {} failed: {e}", self.interface));
                status = ExitCode::FAILURE;
                break;
            }
            self.drain(&mut events);
            let now = Instant::now();
            if now >= next_expire {
                self.tracker.expire(&self.config.doors, now, &mut events);
                next_expire = now + Duration::from_secs(1);
            }
            if let (Some(at), Some(every)) = (next_refresh, self.s.refresh)
                && now >= at
            {
                self.refresh_addresses();
                next_refresh = Some(now + every);
            }
            self.handle(&mut events);
            self.runner.poll(Instant::now(), &mut self.log);
            if RELOAD.swap(false, Ordering::Relaxed) {
                self.reload();
            }
            if REPORT.swap(false, Ordering::Relaxed) {
                self.report();
            }
            self.log.flush();
        }
        self.log.event("waiting for child processes...");
        self.runner.shutdown(&mut self.log);
        self.log.event("shutting down");
        self.log.flush();
        if let Some(p) = &self.pid_file {
            let _ = std::fs::remove_file(p);
        }
        status
    }

    fn drain(&mut self, events: &mut Vec<Event>) {
        let now = Instant::now();
        let (doors, addresses, tracker, log) = (
            &self.config.doors,
            &self.addresses,
            &mut self.tracker,
            &self.log,
        );
        let ipv6 = self.s.ipv6;
        self.inspected += self.ring.drain(|bytes| {
            let Some(p) = packet::parse(bytes) else {
                return;
            };
            if !ipv6 && p.src.is_ipv6() {
                return;
            }
            log.debug(|| {
                format!(
                    "{}: {} -> {}:{} flags 0x{:02x}",
                    p.proto.name(),
                    p.src,
                    p.dst,
                    p.dport,
                    p.flags
                )
            });
            tracker.on_packet(doors, &p, addresses.contains(&p.dst), now, events);
        }) as u64;
    }

    fn who(&self, src: &IpAddr) -> String {
        match self.s.lookup.then(|| host_name(src)).flatten() {
            Some(name) => format!("{src} ({name})"),
            None => src.to_string(),
        }
    }

    fn handle(&mut self, events: &mut Vec<Event>) {
        for ev in std::mem::take(events) {
            let door_name = |d: usize| {
                self.config
                    .doors
                    .get(d)
                    .map_or("?", |d| d.name.as_str())
                    .to_string()
            };
            match ev {
                Event::Stage { src, door, stage } => {
                    let msg = format!("{}: {}: Stage {stage}", self.who(&src), door_name(door));
                    self.log.event(&msg);
                }
                Event::Timeout { src, door, stage } => {
                    let msg = format!(
                        "{}: {}: sequence timeout (stage {stage})",
                        self.who(&src),
                        door_name(door)
                    );
                    self.log.event(&msg);
                }
                Event::Broken { src, door, stage } => {
                    self.log.debug(|| {
                        format!(
                            "{src}: {}: wrong knock, sequence broken (stage {stage})",
                            door_name(door)
                        )
                    });
                }
                Event::Open { src, door } => {
                    let msg = format!("{}: {}: OPEN SESAME", self.who(&src), door_name(door));
                    self.log.event(&msg);
                    if let Some(d) = self.config.doors.get(door) {
                        self.runner.open(d, src, Instant::now(), &mut self.log);
                    }
                    self.next_one_time(door);
                }
            }
        }
    }

    /// After a one-time sequence was used: strike it out and load the next one.
    fn next_one_time(&mut self, index: usize) {
        let Some(door) = self.config.doors.get_mut(index) else {
            return;
        };
        let Some(path) = door.one_time.clone() else {
            return;
        };
        let current: Vec<_> = door.sequence.iter().map(|k| (k.proto, k.port)).collect();
        let result = match conf_knockd::next_one_time(&path) {
            Ok(Some((seq, offset))) if seq == current => {
                conf_knockd::mark_one_time_used(&path, offset).map_err(|e| e.to_string())
            }
            Ok(_) => Err("the used sequence is no longer in the file".to_string()),
            Err(e) => Err(e),
        }
        .and_then(|()| conf_knockd::next_one_time(&path));
        door.sequence = match result {
            Ok(Some((seq, _))) => conf_knockd::knocks_from(&seq, door.tcp_flags),
            Ok(None) => {
                let msg = format!(
                    "no more sequences left in the one time sequences file for door {} --> disabling the door",
                    door.name
                );
                self.log.error(&msg);
                Vec::new()
            }
            Err(e) => {
                let msg = format!(
                    "error while disabling used one time sequence for door {}: {e} --> disabling the door",
                    door.name
                );
                self.log.error(&msg);
                Vec::new()
            }
        };
        let text = door.sequence_text();
        self.log.debug(|| {
            format!(
                "new sequence for door {}: {text}",
                self.config.doors[index].name
            )
        });
        self.tracker.forget_door(index);
        self.refilter();
    }

    fn refresh_addresses(&mut self) {
        match iface::addresses(&self.interface) {
            Ok(a) if a != self.addresses => {
                let list: Vec<String> = a.iter().map(|a| a.to_string()).collect();
                self.log.event(&format!(
                    "addresses of {} now: {}",
                    self.interface,
                    list.join(" ")
                ));
                self.addresses = a;
                self.refilter();
            }
            Ok(_) => {}
            Err(e) => self.log.error(&format!(
                "could not get IP addresses of {}: {e}",
                self.interface
            )),
        }
    }

    /// SIGHUP: re-read the config (keeping the old one if the new one is broken), the log file
    /// and the addresses.
    fn reload(&mut self) {
        self.log.event(&format!(
            "re-reading config file: {}",
            self.s.config.display()
        ));
        match config::load(&self.s.config) {
            Ok(c) => {
                self.config = c;
                self.tracker.clear();
            }
            Err(errors) => {
                for e in errors {
                    self.log.error(&format!("{}: {e}", self.s.config.display()));
                }
                self.log.error("keeping the previous configuration");
            }
        }
        if let Some(path) = self.log.file_path().map(Path::to_path_buf) {
            self.log.close_file();
            if let Err(e) = self.log.open_file(&path) {
                eprintln!("warning: cannot reopen logfile {}: {e}", path.display());
            }
        }
        self.addresses =
            iface::addresses(&self.interface).unwrap_or_else(|_| self.addresses.clone());
        self.refilter();
    }

    /// SIGUSR1: counters, for monitoring and tests.
    fn report(&mut self) {
        if let Ok((_, dropped)) = self.ring.stats() {
            self.drops += u64::from(dropped);
        }
        let st = self.tracker.stats();
        let msg = format!(
            "statistics: {} packets inspected, {} attempts tracked (limit {}), {} evicted, {} not tracked, {} dropped by the ring",
            self.inspected, st.tracked, self.s.max_attempts, st.evicted, st.refused, self.drops
        );
        self.log.event(&msg);
    }
}
