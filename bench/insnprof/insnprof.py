#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Instructions per operation of one micro-benchmark phase, by region and symbol.

insnprof.py PROFILE --phase N[,N...] --iters N [--sysmap System.map]
            [--cv corevisor.elf --cv-base ADDR] [--hyp-offset N]
            [--guest LO:HI] [--top K]

PROFILE is insnprof.so's output.  Addresses are named by:
  --cv ELF --cv-base ADDR  the corevisor (EL2 runs it at its physical
                           address: dmesg's "reserved ... at ADDR")
  --sysmap FILE            the host kernel (its VAs)
  --hyp-offset N           stock nVHE KVM's EL2 text: hyp VA + N = kernel VA
  --guest LO:HI            the micro guest (default 0x40000000:0x40004000,
                           where the vmm loads it), and user space below
  0x10000000; anything else is "other" by 4 KiB page.
"""
import argparse
import bisect
import collections
import subprocess
import sys


def num(s):
    return int(s, 0)


def text_symbols(lines):
    syms = []
    for line in lines:
        p = line.split()
        if len(p) >= 3 and p[1] in 'tTwW':
            syms.append((int(p[0], 16), p[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def lookup(table, addr):
    addrs, names = table
    i = bisect.bisect_right(addrs, addr) - 1
    return names[i] if i >= 0 else '?'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('profile')
    ap.add_argument('--phase', required=True)
    ap.add_argument('--iters', type=int, required=True)
    ap.add_argument('--sysmap')
    ap.add_argument('--cv')
    ap.add_argument('--cv-base', type=num, default=0)
    ap.add_argument('--cv-size', type=num, default=0x200000)
    ap.add_argument('--hyp-offset', type=num)
    ap.add_argument('--guest', default='0x40000000:0x40004000')
    ap.add_argument('--top', type=int, default=30)
    a = ap.parse_args()
    kern = text_symbols(open(a.sysmap)) if a.sysmap else ([], [])
    cv = ([], [])
    if a.cv:
        nm = subprocess.run(['aarch64-linux-gnu-nm', '-n', a.cv], check=True,
                            capture_output=True, text=True).stdout
        cv = text_symbols(nm.splitlines())

    def name(v):
        if a.cv and a.cv_base <= v < a.cv_base + a.cv_size:
            return 'EL2', 'cv:' + lookup(cv, v - a.cv_base)
        if a.hyp_offset is not None and 0x800000000000 <= v < 0x900000000000:
            return 'EL2', 'hyp:' + lookup(kern, v + a.hyp_offset)
        if v >= 0xffff000000000000:
            return 'host kernel', lookup(kern, v)
        if g_lo <= v < g_hi:
            return 'guest', 'guest'
        if v < 0x10000000:
            return 'user', 'user'
        return 'other', 'other:%#x' % (v & ~0xfff)

    g_lo, g_hi = (num(x) for x in a.guest.split(':'))
    phases = set(a.phase.split(','))
    regions, funcs = collections.Counter(), collections.Counter()
    for line in open(a.profile):
        p = line.split()
        if p[0] != 'T' or p[1] not in phases:
            continue
        region, func = name(int(p[2], 16))
        n = int(p[3]) * int(p[4])
        regions[region] += n
        funcs[func] += n
    if not regions:
        sys.exit('insnprof.py: no instruction in phase %s of %s' % (a.phase, a.profile))
    print('phase %s: %.1f instructions per operation' %
          (a.phase, sum(regions.values()) / a.iters))
    for r, n in regions.most_common():
        print('  %-12s %9.1f' % (r, n / a.iters))
    for f, n in funcs.most_common(a.top):
        print('    %-50s %9.1f' % (f, n / a.iters))


if __name__ == '__main__':
    main()
