#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Tables of guest instruction counts from the lab's insn-count plugin logs.

    tests/vm/insn/report.py [--bench NAME] BOOT.insn.log [MORE.insn.log ...]

Each log is one boot (tests/vm/out/<boot>.insn.log). Phase labels are words KEY=VALUE; the
benchmarks use bench=, case=, impl= (ours or upstream), rules=, packets= and round=. Printed, as
Markdown tables:

- every phase (its label without round=): how often it ran, the median kernel-mode count, the
  spread (max - min) / median over its rounds, the median user-mode count and host time;
- per packet and rule: (kernel count with R rules - the same with 0 rules) / (R x packets),
  from the medians over the rounds; the spread of the same figure computed round by round;
  the host's wall-clock time the same way (secondary: TCG's speed follows the host's load).
  The 0-rule phase is the one with the same words and rules=0, else the same without case=;
- the ratio ours/upstream of the per-packet-and-rule counts where both were measured.

With several logs, each figure is given per boot and the spread across the boots.

--max-spread PCT checks repeatability instead (the lab's insn=repeat boots): one PASS or FAIL
line per phase measured in several rounds, and per per-packet figure, whether its spread is
under PCT percent: over the rounds with one log, of the per-boot figures with several. Exits 1
if any is not.
"""
import argparse
import statistics
import sys


def parse_label(label):
    words = {}
    for word in label.split():
        key, sep, value = word.partition("=")
        if not sep:
            raise ValueError(f"label word {word!r} is not KEY=VALUE")
        words[key] = value
    return words


def read_log(path):
    """{group label (no round=): [(round, kernel, user, host_us)]} of one boot."""
    phases = {}
    with open(path, encoding="utf-8") as log:
        for line in log:
            if line.startswith("error "):
                raise ValueError(f"{path}: the plugin reported: {line.strip()}")
            if not line.startswith("phase "):
                continue
            head, _, label = line.rstrip("\n").partition(" label=")
            fields = dict(w.split("=", 1) for w in head.split()[1:])
            words = parse_label(label)
            rnd = words.pop("round", "1")
            group = " ".join(f"{k}={v}" for k, v in words.items())
            phases.setdefault(group, []).append(
                (rnd, int(fields["kernel"]), int(fields["user"]), int(fields.get("host_us", 0))))
    return phases


def spread(values):
    med = statistics.median(values)
    return (max(values) - min(values)) / med * 100 if med else 0.0


def baseline_of(group, phases):
    words = parse_label(group)
    words["rules"] = "0"
    exact = " ".join(f"{k}={v}" for k, v in words.items())
    if exact in phases:
        return exact
    words.pop("case", None)
    shared = " ".join(f"{k}={v}" for k, v in words.items())
    return shared if shared in phases else None


def per_rule(phases, bench):
    """{group: (instructions, spread %, ns of host time)} per packet and rule."""
    out = {}
    for group, runs in phases.items():
        words = parse_label(group)
        if bench and words.get("bench") != bench:
            continue
        rules, packets = int(words.get("rules", 0)), int(words.get("packets", 0))
        if rules <= 0 or packets <= 0:
            continue
        base = baseline_of(group, phases)
        if base is None:
            raise ValueError(f"no 0-rule phase for {group!r}")
        scale = rules * packets
        base_runs = {r: (k, h) for r, k, _, h in phases[base]}
        kernel = (statistics.median(k for _, k, _, _ in runs)
                  - statistics.median(k for _, k, _, _ in phases[base])) / scale
        host = (statistics.median(h for _, _, _, h in runs)
                - statistics.median(h for _, _, _, h in phases[base])) * 1000 / scale
        by_round = [(k - base_runs[r][0]) / scale for r, k, _, _ in runs if r in base_runs]
        out[group] = (kernel, spread(by_round) if len(by_round) > 1 else 0.0, host)
    return out


def without(group, key):
    return " ".join(w for w in group.split() if not w.startswith(key + "="))


def ratios(figures):
    """{group without impl=: ours/upstream} where both impls were measured."""
    out = {}
    for group, (kernel, _, _) in figures.items():
        if "impl=ours" not in group.split():
            continue
        other = group.replace("impl=ours", "impl=upstream")
        if other in figures and figures[other][0]:
            out[without(group, "impl")] = kernel / figures[other][0]
    return out


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def across(values):
    return f"{spread(values):.2f} %" if len(values) > 1 else "-"


def check_spread(boots, figures, limit):
    """PASS/FAIL lines: every phase of several rounds and every per-packet figure repeats
    within limit %, over the rounds of one boot, or across boots. True if all do."""
    results = []
    repeated = sorted(g for g in set().union(*boots) if all(len(b.get(g, ())) > 1 for b in boots))
    if not repeated:
        print("FAIL insn: no phase measured in several rounds in every boot")
        return False
    where = "over its rounds" if len(boots) == 1 else f"across {len(boots)} boots"
    for group in repeated:
        if len(boots) == 1:
            value = spread([k for _, k, _, _ in boots[0][group]])
        else:
            value = spread([statistics.median(k for _, k, _, _ in b[group]) for b in boots])
        results.append((f"phase `{group}`, kernel-mode count", len(boots[0][group]), value))
    for group in sorted(set().union(*figures)):
        if not all(group in f for f in figures):
            continue
        value = figures[0][group][1] if len(figures) == 1 else spread([f[group][0] for f in figures])
        results.append((f"`{group}`, per packet and rule", len(boots[0][group]), value))
    ok = True
    for what, rounds, value in results:
        passed = value < limit
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'} insn: {what} repeats within {limit:g} % {where}"
              f" ({rounds} rounds; spread {value:.2f} %)")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", help="only the phases with bench=NAME (and the calibration)")
    ap.add_argument("--max-spread", type=float, metavar="PCT",
                    help="check that the phases of several rounds repeat within PCT %%")
    ap.add_argument("logs", nargs="+", help="insn-count plugin logs, one per boot")
    args = ap.parse_args()
    try:
        boots = [read_log(p) for p in args.logs]
        figures = [per_rule(b, args.bench) for b in boots]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"report.py: {e}")
    if args.max_spread is not None:
        sys.exit(0 if check_spread(boots, figures, args.max_spread) else 1)
    names = [f"boot {i + 1}" for i in range(len(boots))]
    multi = len(boots) > 1

    print("Phases (kernel-mode instructions; spread = (max - min) / median over the rounds):\n")
    rows = []
    for group in sorted({g for b in boots for g in b}):
        if args.bench and parse_label(group).get("bench") not in (args.bench, None):
            continue
        for name, boot in zip(names, boots):
            runs = boot.get(group)
            if not runs:
                continue
            kernel = [k for _, k, _, _ in runs]
            rows.append([f"`{group}`"] + ([name] if multi else []) + [
                str(len(runs)), f"{statistics.median(kernel):.0f}", f"{spread(kernel):.2f} %",
                f"{statistics.median(u for _, _, u, _ in runs):.0f}",
                f"{statistics.median(h for _, _, _, h in runs) / 1000:.0f}"])
    table(["phase"] + (["boot"] if multi else []) +
          ["runs", "kernel", "spread", "user", "host ms"], rows)

    groups = sorted({g for f in figures for g in f})
    if not groups:
        return
    print("Per packet and rule (kernel-mode instructions over the 0-rule phase; spread of the"
          " figure round by round; host ns: wall clock, secondary):\n")
    rows = []
    for group in groups:
        vals = [f[group] for f in figures if group in f]
        rows.append([f"`{without(group, 'rules')}`"] +
                    [f"{v[0]:.1f} ({v[1]:.2f} %)" for v in vals] +
                    ([across([v[0] for v in vals])] if multi else []) +
                    [" / ".join(f"{v[2]:.0f}" for v in vals)])
    table(["phase"] + (names if multi else ["instructions (spread)"]) +
          (["across boots"] if multi else []) + ["host ns"], rows)

    ratio = [ratios(f) for f in figures]
    keys = sorted({k for r in ratio for k in r})
    if keys:
        print("Ratio ours/upstream, instructions per packet and rule:\n")
        table(["case"] + (names if multi else ["ours/upstream"]) +
              (["across boots"] if multi else []),
              [[f"`{without(k, 'rules')}`"] + [f"{r[k]:.3f}" for r in ratio if k in r] +
               ([across([r[k] for r in ratio if k in r])] if multi else []) for k in keys])


if __name__ == "__main__":
    main()
