#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Generates geoip/asn builder inputs for the tests: random ranges in the formats upstream's
# tools read (a seed makes them reproducible).
#
#   geoip-gen.py dbip ROWS SEED             DB-IP country CSV on stdout: IPv4 and IPv6 rows,
#                                           overlapping and adjacent, some quoted or padded
#   geoip-gen.py disjoint ROWS SEED         "first,last,KEY" rows of disjoint ranges (for the
#                                           MMDB writer, which lets a later range replace one)
#   geoip-gen.py maxmind-country DIR SEED   GeoLite2-Country-{Locations-en,Blocks-IPv4,
#                                           Blocks-IPv6}.csv in DIR
#   geoip-gen.py maxmind-asn DIR SEED       GeoLite2-ASN-Blocks-IPv{4,6}.csv in DIR
#   geoip-gen.py countries N RANGES SEED    DB-IP CSV of N countries with RANGES disjoint
#                                           IPv4 ranges each (a realistic rule's load)
import ipaddress
import os
import random
import sys

CODES = ["DE", "FR", "US", "CN", "A1", "ZZ", "JP", "BR", "AT", "NL"]


def v4(n):
    return str(ipaddress.IPv4Address(n))


def v6(n):
    return str(ipaddress.IPv6Address(n))


def dbip(rows, rng):
    out = []
    for _ in range(rows):
        if rng.random() < 0.7:
            b = rng.randrange(0, 2**32 - 70000)
            e = b + rng.choice([0, 255, 4095, rng.randrange(0, 65536)])
            first, last = v4(b), v4(e)
        else:
            b = (0x2000 << 112) + rng.randrange(0, 2**100)
            e = b + rng.choice([0, 2**64 - 1, rng.randrange(0, 2**80)])
            first, last = v6(b), v6(e)
        cc = rng.choice(CODES)
        style = rng.random()
        if style < 0.05:
            out.append(f'"{first}","{last}","{cc}"')
        elif style < 0.1:
            out.append(f" {first} ,\t{last} , {cc}")
        else:
            out.append(f"{first},{last},{cc}")
        # An adjacent range of the same code now and then (merged by both tools).
        if rng.random() < 0.05 and ":" not in first:
            out.append(f"{v4(e + 1)},{v4(e + 1 + rng.randrange(0, 300))},{cc}")
    rng.shuffle(out)
    return "\n".join(out) + "\n"


def walk(rng, pos, gap_bits, len_bits, count, limit=None):
    """`count` disjoint (first, last) ranges in ascending order from `pos`, random gaps."""
    for _ in range(count):
        pos += rng.randrange(1, 1 << gap_bits)
        end = pos + rng.randrange(0, 1 << len_bits)
        if limit is not None and end >= limit:
            return
        yield pos, end
        pos = end + 1


def disjoint(rows, rng, keys):
    """Disjoint ranges of each family."""
    out = [f"{v4(a)},{v4(b)},{rng.choice(keys)}" for a, b in walk(rng, 1 << 24, 16, 12, rows * 7 // 10)]
    out += [f"{v6(a)},{v6(b)},{rng.choice(keys)}" for a, b in walk(rng, 0x2400 << 112, 90, 80, rows * 3 // 10)]
    return "\n".join(out) + "\n"


# Where the MaxMind fixtures' networks lie, per family: (name, first, limit, class, extra bits).
FAMILIES = (("IPv4", 1 << 24, 2**32 - 2**24, ipaddress.IPv4Address, 0),
            ("IPv6", 0x2400 << 112, 0x2600 << 112, ipaddress.IPv6Address, 64))


def cidrs(first, last, cls):
    return [str(n) for n in ipaddress.summarize_address_range(cls(first), cls(last))]


def maxmind_country(d, rng):
    locs = ["geoname_id,locale_code,continent_code,continent_name,country_iso_code,country_name,is_in_european_union"]
    ids = {}
    for i, cc in enumerate(c for c in CODES if c not in ("A1", "ZZ")):
        gid = str(1000 + i)
        ids[cc] = gid
        locs.append(f'{gid},en,EU,Europe,{cc},"Country {cc}",0')
    locs.append('6255148,en,EU,Europe,,,0')  # a continent without a country: code EU
    ids["EU"] = "6255148"
    open(os.path.join(d, "GeoLite2-Country-Locations-en.csv"), "w").write("\n".join(locs) + "\n")
    head = "network,geoname_id,registered_country_geoname_id,represented_country_geoname_id,is_anonymous_proxy,is_satellite_provider"
    for fam, lo, hi, cls, shift in FAMILIES:
        rows = [head]
        for pos, end in walk(rng, lo, 16 + shift, 10 + shift, 1500, hi):
            kind = rng.random()
            gid = rng.choice(list(ids.values()))
            rid = rng.choice(list(ids.values()) + [""])
            proxy, sat = ("1", "0") if kind < 0.03 else ("0", "1") if kind < 0.06 else ("0", "0")
            if kind > 0.97:
                gid = ""  # registered country only, or O1
            for net in cidrs(pos, end, cls):
                rows.append(f"{net},{gid},{rid},,{proxy},{sat}")
        open(os.path.join(d, f"GeoLite2-Country-Blocks-{fam}.csv"), "w").write("\n".join(rows) + "\n")


def maxmind_asn(d, rng):
    head = "network,autonomous_system_number,autonomous_system_organization"
    for fam, lo, hi, cls, shift in FAMILIES:
        rows = [head]
        for pos, end in walk(rng, lo, 16 + shift, 10 + shift, 1500, hi):
            asn = rng.choice([64500, 64501, 64502, 3320, 15169, 4294967295])
            org = rng.choice(["Example Net", "Org, Inc.", "Deutsche Telekom AG"])
            for net in cidrs(pos, end, cls):
                rows.append(f'{net},{asn},"{org}"')
        open(os.path.join(d, f"GeoLite2-ASN-Blocks-{fam}.csv"), "w").write("\n".join(rows) + "\n")


def countries(n, ranges, rng):
    """n countries of `ranges` disjoint IPv4 ranges each, interleaved like real ones."""
    total = n * ranges
    step = (2**32 - 2**25) // (2 * total)
    codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(n)]
    out = []
    for i in range(total):
        b = 2**24 + 2 * i * step
        out.append(f"{v4(b)},{v4(b + rng.randrange(step // 2, step))},{codes[i % n]}")
    return "\n".join(out) + "\n"


def main():
    what = sys.argv[1]
    if what == "dbip":
        sys.stdout.write(dbip(int(sys.argv[2]), random.Random(int(sys.argv[3]))))
    elif what == "disjoint":
        keys = sys.argv[4].split(",") if len(sys.argv) > 4 else CODES
        sys.stdout.write(disjoint(int(sys.argv[2]), random.Random(int(sys.argv[3])), keys))
    elif what == "maxmind-country":
        maxmind_country(sys.argv[2], random.Random(int(sys.argv[3])))
    elif what == "maxmind-asn":
        maxmind_asn(sys.argv[2], random.Random(int(sys.argv[3])))
    elif what == "countries":
        sys.stdout.write(countries(int(sys.argv[2]), int(sys.argv[3]), random.Random(int(sys.argv[4]))))
    else:
        sys.exit(f"geoip-gen.py: unknown kind {what}")


main()
