#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Where profiled phases' instructions went, by function.

    tests/vm/insn/profile.py [--top N] [--per COUNT] BOOT.insn.log BOOT.results.log LABEL...

A phase run with `INSN_PROFILE=1 rawudp -I LABEL ...` (insn_send) or `insn --profile LABEL ...`
leaves "profile addr=... insns=... label=LABEL" lines in the plugin's log, one per translated
block (its start address; instructions = executions x the block's length). The guest's
`insn_symbols` (tests/vm/guest/lib.sh) printed the kernel's and the modules' functions from
/proc/kallsyms into the results log ("insn-sym: ADDRESS TYPE NAME [MODULE]"); the first such
listing after the last LABEL's phase names the addresses (module addresses change from one load
to the next: list them while the modules are loaded).

With one LABEL: the functions by instructions, with their share of the phase. With several (the
same phase in several rounds): the functions whose counts differ most between them, with each
phase's count: where the variation from one round to the next comes from. --per divides the
counts (e.g. by rules x packets).
"""
import argparse
import bisect
import sys


def read_symbols(results_log, after):
    """[(address, name)] sorted, from the first insn_symbols listing after phase `after`."""
    syms = []
    with open(results_log, encoding="utf-8", errors="replace") as f:
        seen = False
        for line in f:
            words = line.split()
            if line.rstrip("\n") == "insn: phase " + after:
                seen = True
            elif seen and len(words) >= 4 and words[0] == "insn-sym:" and words[2] in "tTwW":
                syms.append((int(words[1], 16), " ".join(words[3:])))
            elif syms:
                break
    if not syms:
        sys.exit(f"profile.py: no 'insn-sym:' lines after the phase {after!r} (no insn_symbols?)")
    syms.sort()
    return syms


def read_profiles(insn_log, labels, syms):
    """{label: {function: instructions}} of the profiled phases `labels`."""
    addrs = [a for a, _ in syms]
    profiles = {label: {} for label in labels}
    with open(insn_log, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("profile "):
                continue
            head, _, label = line.rstrip("\n").partition(" label=")
            if label not in profiles:
                continue
            fields = dict(w.split("=", 1) for w in head.split()[1:])
            addr, insns = int(fields["addr"], 16), int(fields["insns"])
            i = bisect.bisect_right(addrs, addr) - 1
            name = syms[i][1] if i >= 0 and addr >= 1 << 63 else "(user mode)"
            profile = profiles[label]
            profile[name] = profile.get(name, 0) + insns
    for label, profile in profiles.items():
        if not profile:
            sys.exit(f"profile.py: no profile of phase {label!r} in {insn_log}")
    return profiles


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", type=int, default=40, help="functions to print (default 40)")
    ap.add_argument("--per", type=float, default=1.0, help="divide the counts by this")
    ap.add_argument("insn_log")
    ap.add_argument("results_log")
    ap.add_argument("labels", nargs="+", metavar="LABEL")
    args = ap.parse_args()

    profiles = read_profiles(args.insn_log, args.labels,
                             read_symbols(args.results_log, args.labels[-1]))
    per = f" / {args.per:g}" if args.per != 1 else ""
    if len(args.labels) == 1:
        profile = profiles[args.labels[0]]
        total = sum(profile.values())
        print(f"| function | instructions{per} | share |")
        print("|---|---|---|")
        for name, insns in sorted(profile.items(), key=lambda kv: -kv[1])[:args.top]:
            print(f"| `{name}` | {insns / args.per:.1f} | {100 * insns / total:.1f} % |")
        print(f"| total | {total / args.per:.1f} | 100 % |")
        return

    names = set().union(*profiles.values())
    counts = {n: [profiles[label].get(n, 0) for label in args.labels] for n in names}
    print(f"| function | range{per} | " + " | ".join(f"`{label}`" for label in args.labels) + " |")
    print("|---|---|" + "---|" * len(args.labels))
    for name, values in sorted(counts.items(), key=lambda kv: min(kv[1]) - max(kv[1]))[:args.top]:
        print(f"| `{name}` | {(max(values) - min(values)) / args.per:.1f} | " +
              " | ".join(f"{v / args.per:.1f}" for v in values) + " |")
    totals = [sum(profiles[label].values()) for label in args.labels]
    print(f"| total | {(max(totals) - min(totals)) / args.per:.1f} | " +
          " | ".join(f"{v / args.per:.1f}" for v in totals) + " |")


if __name__ == "__main__":
    main()
