#!/usr/bin/env python3
"""Regenerates Moon's numeric test vectors (see README.md in this directory).

glibc on x86-64 (numerics_oracle.c) is the oracle. Every answer is cross-checked against an
exact rational reference written here with fractions.Fraction; a disagreement aborts the run,
except for the one known glibc defect (see GLIBC_SUBNORMAL_BUG below), where the vector records
the correctly rounded value and a comment line names what glibc printed.

Deterministic: fixed seeds, so a rerun on the same glibc produces the same files.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from fractions import Fraction
from random import Random

sys.set_int_max_str_digits(0)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "io", "moon", "protocol", "vectors"))

# glibc < 2.38-ish drops the round bit of the 64/53-bit significand when it denormalizes a result
# in round_and_return (later versions add `more_bits |= old_half_bit`). Only exact binary inputs
# whose last set bit is that round bit are affected: hex floats, or very long exact decimals.
GLIBC_SUBNORMAL_BUG = "glibc 2.36 misrounds this subnormal (round_and_return drops the old half bit)"


# ---- escaping ------------------------------------------------------------------------------

def esc(bs):
    out = []
    for c in bs:
        if 0x21 <= c <= 0x7E and c != 0x5C:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def unesc(s):
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), s.encode("ascii"))


# ---- exact reference -----------------------------------------------------------------------

class Fmt:
    def __init__(self, p, emin, emax):
        self.p = p          # significand bits
        self.emin = emin    # exponent of the least significant bit of subnormals
        self.emax = emax    # largest exponent of the least significant bit


LD = Fmt(64, -16445, 16320)
DBL = Fmt(53, -1074, 971)

DEC = re.compile(rb"([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?\Z")
HEX = re.compile(rb"([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?\Z")
INF = re.compile(rb"([+-]?)(?:inf|infinity)\Z", re.I)


def round_to(q, fmt):
    """q > 0 exact; returns (sig, e) with value sig * 2^e, or None on overflow. sig may be 0."""
    e = q.numerator.bit_length() - q.denominator.bit_length() - fmt.p
    while q >= Fraction(2) ** (e + fmt.p):
        e += 1
    while q < Fraction(2) ** (e + fmt.p - 1):
        e -= 1
    e = max(e, fmt.emin)
    scaled = q / Fraction(2) ** e
    n = scaled.numerator // scaled.denominator
    rem = scaled - n
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2 == 1):
        n += 1
    if n == 1 << fmt.p:
        n >>= 1
        e += 1
    if e > fmt.emax:
        return None
    return n, e


def exact_value(bs, fmt):
    """string2ld / string2d semantics in exact arithmetic.

    Returns None when rejected, else (negative, kind, Fraction) with kind 'inf' or 'num'."""
    if len(bs) == 0 or bs[0:1] in (b" ", b"\t", b"\n", b"\v", b"\f", b"\r"):
        return None
    m = INF.match(bs)
    if m:
        return (m.group(1) == b"-", "inf", None)
    m = DEC.match(bs)
    if m:
        neg = m.group(1) == b"-"
        ip = m.group(2) or b""
        fp = m.group(3) if m.group(2) is not None else m.group(4)
        fp = fp or b""
        exp = int(m.group(5)) if m.group(5) else 0
        digits = (ip + fp).lstrip(b"0")
        if not digits:
            return (neg, "num", Fraction(0))
        e10 = exp - len(fp)
        mag = len(digits) + e10  # value < 10^mag
        if mag > fmt_dec_max(fmt):
            return None  # overflow
        if mag < fmt_dec_min(fmt):
            return None  # underflow to zero
        return (neg, "num", Fraction(int(digits)) * Fraction(10) ** e10)
    m = HEX.match(bs)
    if m:
        neg = m.group(1) == b"-"
        ip = m.group(2) or b""
        fp = m.group(3) if m.group(2) is not None else m.group(4)
        fp = fp or b""
        exp = int(m.group(5)) if m.group(5) else 0
        h = int(ip + fp, 16) if (ip + fp) else 0
        if h == 0:
            return (neg, "num", Fraction(0))
        e2 = exp - 4 * len(fp)
        top = h.bit_length() + e2
        if top > fmt.emax + fmt.p + 2:
            return None
        if top < fmt.emin - 2:
            return None
        return (neg, "num", Fraction(h) * Fraction(2) ** e2)
    return None


def fmt_dec_max(fmt):
    return 4934 if fmt is LD else 310


def fmt_dec_min(fmt):
    return -4952 if fmt is LD else -325


def reference(bs, fmt):
    """Returns None (rejected) or (negative, sig, e) / (negative, 'inf')."""
    if fmt is LD and len(bs) >= 5 * 1024:
        return None
    v = exact_value(bs, fmt)
    if v is None:
        return None
    neg, kind, q = v
    if kind == "inf":
        return (neg, "inf")
    if q == 0:
        return (neg, 0, fmt.emin)
    r = round_to(q, fmt)
    if r is None or r[0] == 0:
        return None  # ERANGE: HUGE_VAL or zero from a non-zero input
    return (neg, r[0], r[1])


def ld_bits(ref):
    neg = ref[0]
    if ref[1] == "inf":
        sexp, mant = 0x7FFF, 1 << 63
    else:
        sig, e = ref[1], ref[2]
        if sig >> 63:
            sexp, mant = e + 63 + 16383, sig
        else:
            sexp, mant = 0, sig
    return "%04x" % (sexp | (0x8000 if neg else 0)), "%016x" % mant


def dbl_bits(ref):
    neg = ref[0]
    if ref[1] == "inf":
        bits = 0x7FF << 52
    else:
        sig, e = ref[1], ref[2]
        if sig >> 52:
            bits = ((e + 52 + 1023) << 52) | (sig & ((1 << 52) - 1))
        else:
            bits = sig
    return "%016x" % (bits | ((1 << 63) if neg else 0))


def ld_value(sexp_hex, mant_hex):
    sexp, mant = int(sexp_hex, 16), int(mant_hex, 16)
    neg = sexp >> 15
    be = sexp & 0x7FFF
    e = (be if be else 1) - 16383 - 63
    q = Fraction(mant) * Fraction(2) ** e
    return -q if neg else q, bool(neg)


def human(q, neg):
    """%.17Lf with Redis's trimming, from the exact value (ties to even)."""
    a = abs(q) * 10 ** 17
    n = a.numerator // a.denominator
    rem = a - n
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2 == 1):
        n += 1
    if n == 0:
        return "0"
    s = "%d.%017d" % (n // 10 ** 17, n % 10 ** 17)
    s = s.rstrip("0").rstrip(".")
    return ("-" if neg else "") + s


def is_subnormal_ld(sexp_hex):
    return int(sexp_hex, 16) & 0x7FFF == 0


# ---- input generators ----------------------------------------------------------------------

def digits(r, n, lead=True):
    if n == 0:
        return ""
    first = str(r.randint(1, 9)) if lead else str(r.randint(0, 9))
    return first + "".join(str(r.randint(0, 9)) for _ in range(n - 1))


def rand_exponent(r, big):
    kind = r.random()
    if kind < 0.5:
        v = r.randint(0, 30)
    elif kind < 0.75:
        v = r.randint(0, 400)
    else:
        v = r.randint(big - 60, big + 30)
    s = r.choice(["", "", "+", "-", "-"])
    z = "0" * r.choice([0, 0, 0, 0, 1, 3])
    return r.choice("eE") + s + z + str(v)


def rand_decimal(r, big=4932):
    sign = r.choice(["", "", "", "-", "+"])
    ni = r.choice([0, 1, 1, 1, 2, 3, 4, 6, 9, 12, 15, 16, 17, 18, 19, 20, 21, 24, 30])
    nf = r.choice([0, 0, 1, 2, 3, 5, 8, 12, 16, 17, 18, 19, 20, 25, 30])
    if ni == 0 and nf == 0:
        ni = 1
    ip = digits(r, ni, lead=r.random() < 0.9)
    if r.random() < 0.05:
        ip = "0" * r.randint(1, 3) + ip
    s = sign + ip
    if nf or r.random() < 0.1:
        s += "." + digits(r, nf, lead=False)
    if r.random() < 0.35:
        s += rand_exponent(r, big)
    return s


def rand_hex(r, big=16384):
    sign = r.choice(["", "", "-", "+"])
    hexd = "0123456789abcdefABCDEF"
    ni = r.choice([0, 1, 1, 2, 4, 8, 15, 16, 17, 20])
    nf = r.choice([0, 0, 1, 3, 8, 13, 14, 16, 17, 20])
    if ni == 0 and nf == 0:
        ni = 1
    s = sign + r.choice(["0x", "0x", "0X"]) + "".join(r.choice(hexd) for _ in range(ni))
    if nf:
        s += "." + "".join(r.choice(hexd) for _ in range(nf))
    if r.random() < 0.8:
        kind = r.random()
        v = r.randint(0, 70) if kind < 0.5 else r.randint(big - 120, big + 80)
        s += r.choice("pP") + r.choice(["", "+", "-", "-"]) + str(v)
    return s


def exact_decimal(num, pow2):
    """num * 2^pow2 as an exact decimal string."""
    if pow2 >= 0:
        return str(num << pow2)
    n = -pow2
    v = num * 5 ** n
    s = str(v).rjust(n + 1, "0")
    return s[:-n] + "." + s[-n:]


def halfway_cases(r, fmt, count, emin_bits, emax_bits, max_len, exact=True):
    """Decimal strings exactly halfway between two neighbours, and just either side of it.

    With exact=False only a 25..40 digit scientific prefix of the tie is kept (for ties whose
    exact decimal form would be too long)."""
    out = []
    made = 0
    while made < count:
        e = r.randint(emin_bits, emax_bits)
        k = r.getrandbits(fmt.p - 1) | (1 << (fmt.p - 1))
        s = exact_decimal(2 * k + 1, e - 1)
        if exact and len(s) > max_len:
            continue
        made += 1
        if not exact:
            out.append(sci_prefix(r, s))
            continue
        out.append(s)
        if "." in s:
            out.append(s + "000001")
            t = s.rstrip("0")
            # just below: truncate the last significant digit down by one
            last = int(t[-1])
            if last > 0:
                out.append(t[:-1] + str(last - 1) + "9999")
        else:
            out.append(s + ".0000000000001")
        if len(s.replace(".", "").lstrip("0")) > 30:
            out.append(sci_prefix(r, s))
    return out


def sci_prefix(r, s):
    """A 25..40 significant digit prefix of decimal s in scientific notation: near, not at, s."""
    sig = s.replace(".", "").lstrip("0")
    n = r.randint(25, 40)
    ip = s.split(".")[0].lstrip("0")
    if ip:
        exp10 = len(ip) - 1
    else:
        frac = s.split(".")[1]
        exp10 = -(len(frac) - len(frac.lstrip("0")) + 1)
    return sig[0] + "." + sig[1:n] + "e" + str(exp10)


SPECIAL = [
    "", " ", "0", "-0", "+0", "00", "0.0", "-0.0", ".0", "0.", "-.0", "+.5", ".5", "5.", "-5.",
    ".", "+", "-", "+-1", "-+1", "--1", "++1", "e", "e5", "1e", "1e+", "1e-", "1E5", "1e+5",
    "1e-5", "1e05", "1e0000000000000000000000000000000001", "1e-0000000000000000000000000000001",
    "1ee5", "1e5e5", "1.2.3", "1..2", "1,5", "1_000", "0b101", "1f", "1d", "1L", "1.5f", "1D",
    " 1", "1 ", "\t1", "\n1", "\v1", "\f1", "\r1", "1\n", "1\t", "+ 1", "- 1",
    "1\x00", "\x001", "\x00", "1\x002", "\x80", "1\xff", "\xd9\xa1",
    "inf", "-inf", "+inf", "INF", "Inf", "iNf", "infinity", "-infinity", "INFINITY", "Infinity",
    "infin", "infinit", "infinityy", "inf ", " inf", "in", "i", "infx", "-", "nan", "NaN", "NAN",
    "-nan", "+nan", "nan(123)", "nan(0x7ff)", "nan(", "nan()", "nanx", "n", "na",
    "0x", "0X", "0x.", "0x.p1", "0xp1", "0x1p", "0x1p+", "0x1p-", "0x1.p1", "0x.8p1", "0x1", "0x10",
    "0xg", "0x1g", "0x1.8", "-0x1.8p1", "+0x1.8p+1", "0x1P-1", "0x1p-16445", "0x1p-16446",
    "0x1p-16447", "0x1.0000000000000001p-16446", "0x1.00000000000000001p-16446",
    "0x1.8p-16446", "0x3p-16447", "0x1p-16382", "0x1p-16383", "0x1.fffffffffffffffep16383",
    "0x1.ffffffffffffffffp16383", "0x1.fffffffffffffffe8p16383", "0x1p16384", "0x1p16383",
    "0x0p99999999999999999999", "0x1p99999999999999999999", "0x1p-99999999999999999999",
    "0x0.0000000000000000000000000000001p0", "0xffffffffffffffffffffffffffffffff",
    "0x1.00000000000008p-1075", "0x1.00000000000008p-1074", "0x1p-1074", "0x1p-1075",
    "0x1.0000000000001p-1075", "0x1p-1022", "0x1.fffffffffffff8p1023", "0x1.fffffffffffffp1023",
    "0x1p1024",
    "1e4932", "1.1e4932", "1.18973149535723176502e4932", "1.18973149535723176508575932662800702e4932",
    "1.2e4932", "1e4933", "-1e4933", "1e-4950", "1e-4951", "3.6e-4951", "3.64519953188247460253e-4951",
    "1.823e-4951", "1.8225e-4951", "1.82259976594123730126e-4951", "1.8226e-4951", "1e-4952",
    "1e-5000", "1e5000", "3.3621031431120935063e-4932", "0e-99999", "0e99999", "0.0e-99999999999",
    "1e-99999999999999999999", "1e99999999999999999999", "-1e99999999999999999999",
    # exponents that wrap a 32- or 64-bit accumulator to something small
    "1e18446744073709551621", "1e-18446744073709551621", "1e4294967301", "1e-4294967301",
    "1e9223372036854775808", "1e-9223372036854775809", "0x1p18446744073709551617",
    "0x1p-18446744073709551617", "0x1p4294967297", "1e2147483648", "1e-2147483649",
    "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.8e308",
    "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "2.4703282292062329e-324", "3e-324",
    "2e-324", "1e-400", "1e-320",
    "0.1", "0.2", "0.3", "10.5", "3.0e3", "5.0e3", "2.0e2", "-5.0e3", "1.5", "-1.5", "100", "-100",
    "3.14159265358979323846264338327950288", "0.1000000000000000055511151231257827",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "18446744073709551617", "36893488147419103231",
    "99999999999999999999", "12345678901234567890123456789", "0.000000000000000001",
    "0.00000000000000001", "0.000000000000000005", "0.000000000000000015", "0.000003814697265625",
    "0.000011444091796875", "1.000003814697265625", "123456789.123456789", "1e17", "1e18", "1e19",
    "1e20", "1e21", "1e22", "1e23", "1e-17", "1e-18", "12345678901234567.5",
]


def long_inputs():
    return [
        "1" + "0" * 5118,                       # 10^5118: overflow
        "0." + "0" * 5116 + "1",                # 1e-5117: underflow
        "0." + "1" * 5117,                      # 5119 bytes: longest accepted
        "0." + "1" * 5118,                      # 5120 bytes: too long
        "1" * 4900,                             # ~1.1e4899
        "1" * 4933,                             # overflow (1.1e4932 < ... ) boundary
        "1" * 4932 + ".5",
        "0." + "0" * 4000 + "1e4000",
        "0." + "0" * 5000 + "1e5000",
        "1" + "0" * 5000 + "e-5000",
        "1" + "0" * 5100 + "e-9000",
        "9" * 5119,
        "0" * 5119,
        "0" * 5120,
        "-" + "0" * 5118,
        "0x" + "f" * 5117,
        "0x" + "1" * 4096 + "p-20000",
        "0x0." + "0" * 5000 + "1p16384",
    ]


# ---- running the oracle --------------------------------------------------------------------

def build_oracle(tmp):
    exe = os.path.join(tmp, "numerics_oracle")
    subprocess.run(["gcc", "-O0", "-o", exe, os.path.join(HERE, "numerics_oracle.c"), "-lm"],
                   check=True)
    return exe


def run(exe, mode, lines):
    data = "".join(l + "\n" for l in lines).encode("ascii")
    res = subprocess.run([exe, mode], input=data, stdout=subprocess.PIPE, check=True)
    out = res.stdout.decode("ascii").split("\n")
    assert out[-1] == ""
    out = out[:-1]
    assert len(out) == len(lines), (mode, len(out), len(lines))
    return out


def dedupe(items):
    seen = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def gen_strtold_inputs(r):
    xs = list(SPECIAL) + long_inputs()
    xs += [rand_decimal(r) for _ in range(1500)]
    xs += [rand_hex(r) for _ in range(400)]
    xs += halfway_cases(r, LD, 300, -200, 200, 400)
    xs += halfway_cases(r, LD, 8, 1000, 16300, 5100)
    xs += halfway_cases(r, LD, 40, -16445, -16300, 0, exact=False)
    xs += halfway_cases(r, LD, 40, 16200, 16320, 0, exact=False)
    # hex ties and near-ties for 64 bits, including in the subnormal range
    for _ in range(200):
        # (2k+1) * 2^(e-1) is a tie for 64 bits; a tail digit pushes it just above
        k = r.getrandbits(63) | (1 << 63)
        e = r.choice([r.randint(-70, 70), r.randint(-16470, -16380), r.randint(16300, 16330)])
        h = "%x" % (2 * k + 1)
        tail = r.choice(["", "", "1", "8", "0001"])
        xs.append("0x%s.%s%sp%d" % (h[0], h[1:], tail, e - 1 + 4 * (len(h) - 1)))
    xs += lost_half_bit_cases(r, LD, 12)
    # powers of two over the whole range
    for e in list(range(-16450, -16370, 3)) + list(range(-80, 80, 7)) + list(range(16370, 16390)):
        xs.append("0x1p%d" % e)
    # k / 2^18 ties at 17 decimals
    for _ in range(60):
        k = r.randrange(1, 1 << 22, 2)
        xs.append(exact_decimal(k, -18))
    return dedupe(xs)


def lost_half_bit_cases(r, fmt, count, decimal=False):
    """Subnormals (A + 1/2) ulp + 2^t whose only bit below the half is the significand's
    (p+1)-th: correctly rounded up, rounded to even by glibc versions with the bug above."""
    out = []
    for _ in range(count):
        n = r.randint(2, fmt.p)
        a = r.getrandbits(fmt.p - n) | (1 << (fmt.p - n - 1))
        a = a & ~1 if r.random() < 0.8 else a | 1
        v = ((2 * a + 1) << n) + 1           # p+1 significant bits, odd
        t = fmt.emin - 1 - n                 # v * 2^t = (a + 1/2) * 2^emin + 2^t
        for sign in ("", "-"):
            out.append("%s0x%xp%d" % (sign, v, t))
        if decimal:
            out.append(exact_decimal(v, t))
    return out


LONG_TEXT = 120


def compact(text):
    """Outputs longer than LONG_TEXT chars are stored as len=N,sha256=HEX (of the ASCII text)."""
    if len(text) <= LONG_TEXT:
        return text
    return "len=%d,sha256=%s" % (len(text), hashlib.sha256(text.encode("ascii")).hexdigest())


def write(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for h in header:
            f.write("# " + h + "\n")
        for row in rows:
            f.write(row + "\n")
    print("wrote %s: %d lines" % (path, len(rows)))


def strtold_vectors(exe, r):
    inputs = gen_strtold_inputs(r)
    escaped = [esc(x.encode("latin-1")) for x in inputs]
    out = run(exe, "strtold", escaped)
    rows = []
    bugs = 0
    misrounded = set()
    for x, line in zip(inputs, out):
        f = line.split("\t")
        bs = x.encode("latin-1")
        ref = reference(bs, LD)
        if ref is None:
            want = [f[0], "0"]
        else:
            sexp, mant = ld_bits(ref)
            q, neg = ld_value(sexp, mant)
            hs = ("-inf" if ref[0] else "inf") if ref[1] == "inf" else human(q, neg)
            want = [f[0], "1", sexp, mant, hs]
            f = f[:4] + [compact(f[4])] if len(f) == 5 else f
            want[4] = compact(hs)
        if f != want:
            glibc_sub = len(f) == 2 or is_subnormal_ld(f[2])
            if ref is not None and ref[1] != "inf" and is_subnormal_ld(want[2]) and glibc_sub:
                rows.append("# " + GLIBC_SUBNORMAL_BUG + "; glibc printed: " + " ".join(f[1:]))
                bugs += 1
                misrounded.add(x)
            else:
                sys.exit("strtold mismatch for %r:\n glibc %r\n exact %r" % (x[:200], f, want))
        rows.append("\t".join(want))
    print("strtold: %d glibc subnormal misroundings replaced" % bugs)
    return inputs, rows, misrounded


def incr_vectors(exe, r, strtold_inputs, misrounded):
    good = [x for x in strtold_inputs
            if len(x) < 200 and x not in misrounded and reference(x.encode("latin-1"), LD) is not None]
    pairs = []
    specials = [
        ("0.1", "0.2"), ("10.5", "0.1"), ("5.0e3", "2.0e2"), ("3.0e3", "-5.0e3"), ("1e4932", "1e4932"),
        ("-1e4932", "-1e4932"), ("1.18973149535723176502e4932", "1e4912"), ("inf", "1"), ("1", "inf"),
        ("inf", "-inf"), ("-inf", "-inf"), ("inf", "inf"), ("1", "-1"), ("-0", "-0"), ("0", "-0"),
        ("-0", "0"), ("0.000000000000000001", "0"), ("-0.000000000000000001", "0"),
        ("0.000000000000000005", "0"), ("-0.000000000000000005", "0"), ("0.000000000000000015", "0"),
        ("9223372036854775807", "1"), ("-9223372036854775808", "-1"), ("18446744073709551615", "1"),
        ("18446744073709551615", "2"), ("18446744073709551614", "1"), ("1e19", "1"), ("1e20", "1"),
        ("1", "1e-20"), ("1", "-1e-20"), ("1e-4951", "1e-4951"), ("3.6e-4951", "3.6e-4951"),
        ("3.6e-4951", "-3.6e-4951"), ("0x1p-16445", "0x1p-16445"), ("0x1p-16382", "-0x1p-16445"),
        ("abc", "1"), ("1", "abc"), ("", "1"), ("1", ""), (" 1", "1"), ("1", "1 "), ("nan", "1"),
        ("1", "nan"), ("1e5000", "1"), ("1", "1e-5000"), ("0x", "0x1"), ("1.5", "-1.5"),
        ("0.1", "-0.1"), ("100", "-0.00000000000000001"), ("2.5", "0.000000000000000005"),
        ("0.000003814697265625", "0"), ("0.5", "0.000003814697265625"), ("1e17", "0.5"),
        ("123456789012345678", "0.5"), ("1.0", "0.00000000000000001"),
    ]
    pairs += specials
    for _ in range(1200):
        pairs.append((r.choice(good), r.choice(good)))
    for _ in range(900):
        a = rand_decimal(r, big=20)
        b = rand_decimal(r, big=20)
        pairs.append((a, b))
    for _ in range(400):
        # cancellation: b is minus a, perturbed in the last digits
        a = rand_decimal(r, big=20).lstrip("+-")
        b = a
        if r.random() < 0.7 and b[-1].isdigit():
            b = b[:-1] + str(r.randint(0, 9))
        pairs.append((a, "-" + b))
    for _ in range(300):
        # very different magnitudes
        a = "%s%de%d" % (r.choice(["", "-"]), r.randint(1, 9), r.randint(-30, 30))
        b = "%s%s" % (r.choice(["", "-"]), rand_decimal(r, big=20).lstrip("+-"))
        pairs.append((a, b))
    for _ in range(200):
        # human-format ties: k/2^18 and friends
        k = r.randrange(1, 1 << 24, 2)
        pairs.append((exact_decimal(k, -18), r.choice(["0", "1", "-1", "0.5", "1000000", "-0.25"])))
    pairs = dedupe(pairs)
    lines = [esc(a.encode("latin-1")) + "\t" + esc(b.encode("latin-1")) for a, b in pairs]
    out = run(exe, "incr", lines)
    rows = []
    for (a, b), line in zip(pairs, out):
        f = line.split("\t")
        ra, rb = reference(a.encode("latin-1"), LD), reference(b.encode("latin-1"), LD)
        if (f[2] == "1") != (ra is not None) or (f[3] == "1") != (rb is not None):
            sys.exit("incr parse mismatch %r %r: %r" % (a, b, f))
        if ra is not None and rb is not None:
            if f[4] == "naninf":
                pass
            else:
                qa = inf_or_value(ra)
                qb = inf_or_value(rb)
                exact = qa + qb
                want = sum_reference(exact, ra, rb)
                if f[4:] != want:
                    sys.exit("incr sum mismatch %r + %r:\n glibc %r\n exact %r" % (a, b, f[4:], want))
                f[6] = compact(f[6])
        rows.append("\t".join(f))
    return rows


def inf_or_value(ref):
    if ref[1] == "inf":
        raise SystemExit("finite sum expected")
    q = Fraction(ref[1]) * Fraction(2) ** ref[2]
    return -q if ref[0] else q


def sum_reference(exact, ra, rb):
    if exact == 0:
        neg = ra[0] and rb[0]  # -0 + -0 = -0; otherwise +0 in round-to-nearest
        sexp, mant = ("8000" if neg else "0000"), "%016x" % 0
        return [sexp, mant, "0"]
    r = round_to(abs(exact), LD)
    assert r is not None
    ref = (exact < 0, r[0], r[1])
    sexp, mant = ld_bits(ref)
    q, neg = ld_value(sexp, mant)
    return [sexp, mant, human(q, neg)]


def strtod_vectors(exe, r, strtold_inputs):
    xs = [x for x in strtold_inputs if len(x) < 600]
    xs += [rand_decimal(r, big=308) for _ in range(600)]
    xs += [rand_hex(r, big=1024) for _ in range(300)]
    xs += halfway_cases(r, DBL, 300, -1100, 1000, 1200)
    xs += lost_half_bit_cases(r, DBL, 12, decimal=True)
    for _ in range(150):
        k = r.getrandbits(52) | (1 << 52)
        e = r.choice([r.randint(-60, 60), r.randint(-1130, -1020), r.randint(960, 975)])
        tail = r.choice(["", "", "1", "8"])
        h = "%x" % (2 * k + 1) + tail
        xs.append("0x%s.%sp%d" % (h[0], h[1:], e - 1))
    for _ in range(200):
        d = Fraction(r.getrandbits(53), 1 << r.randint(0, 60))
        xs.append(repr(float(d)))
        xs.append("%.25g" % float(d))
    xs = dedupe(xs)
    escaped = [esc(x.encode("latin-1")) for x in xs]
    out = run(exe, "strtod", escaped)
    rows = []
    bugs = 0
    for x, line in zip(xs, out):
        f = line.split("\t")
        ref = reference(x.encode("latin-1"), DBL)
        want = [f[0], "0"] if ref is None else [f[0], "1", dbl_bits(ref)]
        if f != want:
            sub = ref is not None and ref[1] != "inf" and (int(want[2], 16) & 0x7FF0000000000000) == 0
            if sub and (len(f) == 2 or (int(f[2], 16) & 0x7FF0000000000000) == 0):
                rows.append("# " + GLIBC_SUBNORMAL_BUG + "; glibc printed: " + " ".join(f[1:]))
                bugs += 1
            else:
                sys.exit("strtod mismatch for %r:\n glibc %r\n exact %r" % (x[:200], f, want))
        rows.append("\t".join(want))
    print("strtod: %d glibc subnormal misroundings replaced" % bugs)
    return rows


def g_vectors(exe, r):
    items = []
    import struct

    def bits_of(d):
        return struct.unpack("<Q", struct.pack("<d", d))[0]

    for _ in range(1200):
        b = r.getrandbits(64)
        if (b >> 52) & 0x7FF == 0x7FF and b & ((1 << 52) - 1):
            continue  # NaN payloads: Moon prints every NaN as "nan"; glibc prints "-nan" for some
        items.append((b, 17))
    for _ in range(400):
        # short decimals, as users type them
        d = float(Fraction(int(digits(r, r.randint(1, 17))), 10 ** r.randint(0, 20)))
        items.append((bits_of(d), 17))
    for e in range(-30, 31):
        d = 10.0 ** e
        items += [(bits_of(d), 17), (bits_of(d) + 1, 17), (bits_of(d) - 1, 17)]
    for e in range(-1074, 1024, 37):
        items.append((bits_of(2.0 ** e), 17))
    for s in ["1e16", "1e17", "9.999999999999999e16", "99999999999999999", "0.0001",
              "0.00009999999999999999", "123456789012345678", "0.1", "0.5", "2.5", "1e-5", "1e-4"]:
        items.append((bits_of(float(s)), 17))
    # exact ties at the 18th significant digit: m * 2^-n with m*5^n of 18 digits
    for _ in range(300):
        n = r.randint(2, 25)
        lo = -(-10 ** 17 // 5 ** n)
        hi = min(10 ** 18 // 5 ** n, (1 << 53) - 1)
        if lo > hi:
            continue
        m = r.randint(lo, hi) | 1
        if m > hi:
            continue
        d = float(Fraction(m, 1 << n))
        items.append((bits_of(d), 17))
        items.append((bits_of(-d), 17))
    # ties for smaller precisions
    for _ in range(300):
        p = r.randint(1, 16)
        n = r.randint(1, 20)
        lo = -(-10 ** p // 5 ** n)
        hi = min(10 ** (p + 1) // 5 ** n, (1 << 53) - 1)
        if lo > hi:
            continue
        m = r.randint(lo, hi) | 1
        if m > hi:
            continue
        items.append((bits_of(float(Fraction(m, 1 << n))), p))
    for _ in range(600):
        items.append((r.getrandbits(64) & ~(0x7FF << 52) | (r.randint(900, 1150) << 52), r.randint(1, 17)))
    for b in [0, 1 << 63, 0x7FF << 52, (0x7FF << 52) | (1 << 63), 0x7FF8 << 48, 1, (1 << 63) | 1,
              (1 << 52) - 1, 1 << 52, 0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF]:
        for p in (17, 1, 6, 15, 16):
            items.append((b, p))
    items = dedupe(items)
    items = [(b, p) for b, p in items
             if not ((b >> 52) & 0x7FF == 0x7FF and b & ((1 << 52) - 1) and b >> 63)]
    lines = ["%016x\t%d" % (b, p) for b, p in items]
    out = run(exe, "g", lines)
    for (b, p), line in zip(items, out):
        d = struct.unpack("<d", struct.pack("<Q", b))[0]
        want = "%.*g" % (p, d)  # CPython formats from the exact value too (ties to even)
        if line.split("\t")[2] != want:
            sys.exit("printf %%.%dg mismatch for %016x: glibc %r python %r" % (p, b, line, want))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        exe = build_oracle(tmp)
        r = Random(0x5EED_0001)
        inputs, rows, misrounded = strtold_vectors(exe, r)
        common = ["Generated by src/test/c/gen_vectors.py from glibc (x86-64) via numerics_oracle.c;",
                  "strings escaped: bytes outside 0x21..0x7e and '\\' are \\xHH. Fields are tab-separated."]
        write("strtold.txt", common + [
            "string2ld (Redis 7.0) then ld2string LD_STR_HUMAN.",
            "input  accepted(0/1)  [sign+exponent(hex16)  significand(hex64)  human]",
            "A human string longer than %d chars is given as len=N,sha256=HEX." % LONG_TEXT], rows)
        rows = incr_vectors(exe, Random(0x5EED_0002), inputs, misrounded)
        write("incrbyfloat.txt", common + [
            "INCRBYFLOAT: string2ld(current), string2ld(increment), long double sum, ld2string HUMAN.",
            "current  increment  currentOk  incrementOk  [naninf | sign+exponent  significand  human]",
            "A human string longer than %d chars is given as len=N,sha256=HEX." % LONG_TEXT],
              rows)
        rows = strtod_vectors(exe, Random(0x5EED_0003), inputs)
        write("strtod.txt", common + [
            "string2d (Redis 7.0).", "input  accepted(0/1)  [double bits(hex64)]"], rows)
        rows = g_vectors(exe, Random(0x5EED_0004))
        write("printf_g.txt", common + ["printf(\"%.*g\", precision, double).",
                                        "double bits(hex64)  precision  output"], rows)


if __name__ == "__main__":
    main()
