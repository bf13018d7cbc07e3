// SPDX-License-Identifier: GPL-2.0-only
//! xa_cli::getopt against the real thing: glibc's getopt_long on the same command lines,
//! random ones built from tokens that reach every rule (clusters, inline and separate values,
//! abbreviations, ambiguity, `--`, `-`, unknown options, missing values). Both must find the
//! same options with the same values, the same operands, or the same first error with the same
//! message (glibc's, caught from its standard error).
//! Its own test binary with one test: glibc's parser state is global.

use std::ffi::{CString, OsString, c_char, c_int};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStringExt;

use xa_cli::getopt::{Arg, Opt, getopt};

unsafe extern "C" {
    static mut optind: c_int;
    static mut opterr: c_int;
    static mut optarg: *mut c_char;
}

/// Keys are glibc's `val`s, so both sides can be compared directly.
const OPTS: &[Opt<u8>] = &[
    Opt::value(b'd', Some("delay"), Some(b'd')),
    Opt::flag(b'D', Some("debug"), Some(b'D')),
    Opt::flag(b'u', Some("udp"), Some(b'u')),
    Opt::value(b'd', Some("delay-ms"), None),
    Opt::value(b'l', None, Some(b'l')),
    Opt::flag(b'v', Some("verbose"), None),
    Opt::flag(b'V', Some("version"), None),
];
/// The same for glibc.
const OPTSTRING: &std::ffi::CStr = c"d:Dul:";

const TOKENS: &[&str] = &[
    "-u", "-D", "-d", "-l", "-x", "-uD", "-ud5", "-lname", "-uDl", "-uDd", "-Dx", "--delay",
    "--delay=3", "--delay=", "--de", "--d", "--dela", "--delay-ms=2", "--debug", "--debug=1", "--udp=1", "--u",
    "--nope", "--nope=2", "--ver", "--verb", "--v", "--", "-", "a", "b", "", "-5", "--=x",
];

/// What a parser made of a command line: options, operands, or the options before the
/// first error and its message.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Parsed(Vec<(u8, Option<Vec<u8>>)>, Vec<Vec<u8>>),
    Error(Vec<(u8, Option<Vec<u8>>)>, String),
}

fn ours(args: &[&str]) -> Outcome {
    let mut options = Vec::new();
    let mut operands = Vec::new();
    for arg in getopt(args.iter().map(OsString::from), OPTS) {
        match arg {
            Ok(Arg::Opt(key, value)) => options.push((key, value.map(OsString::into_vec))),
            Ok(Arg::Operand(o)) => operands.push(o.into_vec()),
            Err(e) => return Outcome::Error(options, format!("prog: {e}\n")),
        }
    }
    Outcome::Parsed(options, operands)
}

fn glibc(args: &[&str]) -> Outcome {
    let names: Vec<CString> = OPTS
        .iter()
        .map(|o| CString::new(o.long.unwrap_or("")).unwrap())
        .collect();
    let mut longopts: Vec<libc::option> = OPTS
        .iter()
        .zip(&names)
        .filter(|(o, _)| o.long.is_some())
        .map(|(o, name)| libc::option {
            name: name.as_ptr(),
            has_arg: c_int::from(o.value),
            flag: std::ptr::null_mut(),
            val: c_int::from(o.key),
        })
        .collect();
    longopts.push(libc::option {
        name: std::ptr::null(),
        has_arg: 0,
        flag: std::ptr::null_mut(),
        val: 0,
    });
    let strings: Vec<CString> = std::iter::once("prog")
        .chain(args.iter().copied())
        .map(|a| CString::new(a).unwrap())
        .collect();
    let mut argv: Vec<*mut c_char> = strings.iter().map(|s| s.as_ptr().cast_mut()).collect();
    argv.push(std::ptr::null_mut());
    let argc = c_int::try_from(strings.len()).unwrap();
    let mut options = Vec::new();
    let messages = tempfile();
    // Safety: argv and longopts are NUL-terminated arrays of C strings that outlive the
    // calls; glibc only permutes argv's pointers. optind = 0 makes glibc start afresh.
    // Standard error goes to `messages` during the calls (dup/dup2 of valid descriptors).
    unsafe {
        optind = 0;
        opterr = 1;
        let stderr = libc::dup(2);
        libc::dup2(messages.as_raw_fd(), 2);
        loop {
            let c = libc::getopt_long(
                argc,
                argv.as_ptr(),
                OPTSTRING.as_ptr(),
                longopts.as_ptr(),
                std::ptr::null_mut(),
            );
            match c {
                -1 => break,
                0x3f | 0x3a => {
                    libc::dup2(stderr, 2);
                    libc::close(stderr);
                    return Outcome::Error(options, read_all(messages));
                }
                _ => {
                    let value = (!optarg.is_null())
                        .then(|| std::ffi::CStr::from_ptr(optarg).to_bytes().to_vec());
                    options.push((c as u8, value));
                }
            }
        }
        libc::dup2(stderr, 2);
        libc::close(stderr);
        let operands = argv[usize::try_from(optind).unwrap()..argc as usize]
            .iter()
            .map(|&p| std::ffi::CStr::from_ptr(p).to_bytes().to_vec())
            .collect();
        Outcome::Parsed(options, operands)
    }
}

/// An anonymous file for glibc's messages.
fn tempfile() -> File {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("getopt-glibc-{}", std::process::id()));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    file
}

fn read_all(mut file: File) -> String {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).unwrap();
    file.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn same_as_glibc_getopt_long() {
    assert!(
        std::env::var_os("POSIXLY_CORRECT").is_none(),
        "POSIXLY_CORRECT changes glibc's order"
    );
    // xorshift64: reproducible command lines without a dependency.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut errors = 0;
    for _ in 0..20_000 {
        let len = (next() % 7) as usize;
        let args: Vec<&str> = (0..len)
            .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
            .collect();
        let (a, b) = (ours(&args), glibc(&args));
        assert_eq!(a, b, "{args:?}");
        errors += usize::from(matches!(a, Outcome::Error(..)));
    }
    // Both kinds of outcome were compared, plenty of each.
    assert!((2_000..18_000).contains(&errors), "{errors} errors");
}
