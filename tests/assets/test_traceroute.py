from __future__ import annotations

from pathlib import Path

import pytest

from trustscreen.assets.model import AssetKind
from trustscreen.assets.network import NetworkResolver
from trustscreen.assets.traceroute import (
    LINUX,
    MTR,
    TRACERT,
    Hop,
    detect_format,
    hops_to_assets,
    parse_traceroute,
    read_traceroute_assets,
)
from trustscreen.errors import SourceError

# Linux traceroute (inetutils/modern traceroute 2.1) from a home network to a China Telecom host:
# a private gateway, CGNAT, a silent hop, ChinaNet backbone with `-A` AS tags, a load-balanced hop
# with two responders and a "!H" annotation.
LINUX_NAMES = """\
traceroute to www.example.cn (1.80.1.2), 30 hops max, 60 byte packets
 1  _gateway (192.168.1.1)  0.512 ms  0.480 ms  0.470 ms
 2  100.64.0.1 (100.64.0.1)  5.102 ms  5.311 ms  5.020 ms
 3  * * *
 4  202.97.12.1 (202.97.12.1) [AS4134]  30.120 ms *  30.530 ms
 5  10.0.0.1 (10.0.0.1)  31.000 ms 10.0.0.2 (10.0.0.2)  32.500 ms  33.100 ms !H
 6  1.80.1.2 (1.80.1.2)  35.900 ms  35.700 ms  36.000 ms
"""

LINUX_NUMERIC = """\
traceroute to 240e:3b4:38c:1::1 (240e:3b4:38c:1::1), 30 hops max, 80 byte packets
 1  fd00::1  0.611 ms  0.590 ms  0.571 ms
 2  * * *
 3  240e:3b4:38c:1::1  40.220 ms  40.100 ms  40.300 ms
"""

# macOS prints a second responder of the same hop on its own indented line.
MACOS = """\
traceroute to example.cn (1.80.1.2), 64 hops max, 52 byte packets
 1  192.168.0.1 (192.168.0.1)  2.101 ms  1.872 ms  1.802 ms
 2  202.97.12.1 (202.97.12.1)  30.120 ms
    202.97.12.5 (202.97.12.5)  30.900 ms  31.000 ms
"""

MTR_REPORT = """\
Start: 2026-03-01T10:00:00+0000
HOST: laptop                      Loss%   Snt   Last   Avg  Best  Wrst StDev
  1.|-- 192.168.1.1                0.0%    10    0.5   0.6   0.4   0.9   0.1
  2.|-- ???                       100.0    10    0.0   0.0   0.0   0.0   0.0
  3.|-- 202.97.12.1                0.0%    10   30.1  30.5  29.8  31.2   0.4
    |  `|-- 202.97.12.5
  4.|-- 1.80.1.2                   0.0%    10   35.1  35.5  34.8  36.2   0.3
"""

# mtr -z -b (AS numbers, names and addresses) and mtr without -n (names only).
MTR_AS_NAMES = """\
Start: 2026-03-01T10:05:00+0000
HOST: laptop                              Loss%   Snt   Last   Avg  Best  Wrst StDev
  1. AS???    _gateway (192.168.1.1)       0.0%     5    0.5   0.6   0.4   0.9   0.1
  2. AS4134   202.97.12.1                  0.0%     5   30.1  30.5  29.8  31.2   0.4
  3. AS4134   ae0.bj.chinanet.example      0.0%     5   33.0  33.1  32.9  33.4   0.2
"""

TRACERT_OUT = """\

Tracing route to www.example.cn [1.80.1.2]
over a maximum of 30 hops:

  1    <1 ms    <1 ms    <1 ms  192.168.1.1
  2     *        *        *     Request timed out.
  3    12 ms    11 ms    13 ms  ae-1.example.net [202.97.12.1]
  4    20 ms     *       21 ms  1.80.1.2
  5  10.0.0.1  reports: Destination host unreachable.

Trace complete.
"""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _summary(hops: list[Hop]) -> list[tuple[int, str | None, str | None]]:
    return [(hop.number, hop.ip, hop.hostname) for hop in hops]


def test_linux_with_hostnames(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "trace.txt", LINUX_NAMES))
    assert _summary(hops) == [
        (1, "192.168.1.1", "_gateway"),
        (2, "100.64.0.1", None),
        (3, None, None),
        (4, "202.97.12.1", None),
        (5, "10.0.0.1", None),
        (5, "10.0.0.2", None),
        (6, "1.80.1.2", None),
    ]
    assert hops[0].rtts == (0.512, 0.48, 0.47) and hops[0].line == 2
    assert (hops[2].lost, hops[2].rtts, hops[2].line) == (3, (), 4)
    assert (hops[3].asn, hops[3].rtts, hops[3].lost) == ("4134", (30.12, 30.53), 1)
    assert hops[4].rtts == (31.0,) and hops[5].rtts == (32.5, 33.1) and hops[5].flags == ("!H",)
    assert {hop.destination for hop in hops} == {"1.80.1.2"}
    assert {hop.format for hop in hops} == {LINUX}


def test_linux_numeric_ipv6(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "trace6.txt", LINUX_NUMERIC))
    assert _summary(hops) == [(1, "fd00::1", None), (2, None, None), (3, "240e:3b4:38c:1::1", None)]
    assert hops[2].rtts == (40.22, 40.1, 40.3)


def test_macos_continuation_line(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "mac.txt", MACOS))
    assert _summary(hops) == [(1, "192.168.0.1", None), (2, "202.97.12.1", None), (2, "202.97.12.5", None)]
    assert (hops[2].rtts, hops[2].line) == ((30.9, 31.0), 4)


def test_mtr_report(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "mtr.txt", MTR_REPORT))
    assert _summary(hops) == [
        (1, "192.168.1.1", None),
        (2, None, None),
        (3, "202.97.12.1", None),
        (3, "202.97.12.5", None),
        (4, "1.80.1.2", None),
    ]
    assert dict(hops[0].stats) == {
        "Loss%": 0.0,
        "Snt": 10.0,
        "Last": 0.5,
        "Avg": 0.6,
        "Best": 0.4,
        "Wrst": 0.9,
        "StDev": 0.1,
    }
    assert hops[0].rtts == (0.5, 0.6, 0.4, 0.9)
    assert dict(hops[1].stats)["Loss%"] == 100.0 and hops[1].rtts == ()
    assert hops[3].line == 6 and hops[3].stats == ()
    assert {hop.format for hop in hops} == {MTR}


def test_mtr_with_as_numbers_and_names(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "mtr-z.txt", MTR_AS_NAMES))
    assert _summary(hops) == [
        (1, "192.168.1.1", "_gateway"),
        (2, "202.97.12.1", None),
        (3, None, "ae0.bj.chinanet.example"),
    ]
    assert [hop.asn for hop in hops] == [None, "4134", "4134"]
    assets = hops_to_assets(hops, "mtr-z.txt")
    assert assets[2].identifiers == (("domain", "ae0.bj.chinanet.example"), ("hop", "3"), ("asn", "4134"))


def test_tracert(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "tracert.txt", TRACERT_OUT))
    assert _summary(hops) == [
        (1, "192.168.1.1", None),
        (2, None, None),
        (3, "202.97.12.1", "ae-1.example.net"),
        (4, "1.80.1.2", None),
        (5, "10.0.0.1", None),
    ]
    assert hops[0].rtts == (1.0, 1.0, 1.0)  # "<1 ms": 1 ms is the bound tracert gives
    assert (hops[1].lost, hops[1].line) == (3, 6)
    assert (hops[3].rtts, hops[3].lost) == ((20.0, 21.0), 1)
    assert hops[4].flags == ("Destination host unreachable.",)
    assert {hop.destination for hop in hops} == {"1.80.1.2"}
    assert {hop.format for hop in hops} == {TRACERT}


def test_tracert_saved_by_powershell_as_utf16(tmp_path: Path) -> None:
    path = _write(tmp_path, "tracert16.txt", "\ufeff" + TRACERT_OUT.replace("\n", "\r\n"), "utf-16-le")
    assert _summary(parse_traceroute(path)) == _summary(parse_traceroute(_write(tmp_path, "t.txt", TRACERT_OUT)))


def test_detect_format() -> None:
    assert detect_format("traceroute to x (1.2.3.4), 30 hops max") == LINUX
    assert detect_format("traceroute6 to x (2001:db8::1), 30 hops max, 80 byte packets") == LINUX
    assert detect_format(" 1  192.168.1.1  0.5 ms  0.4 ms  0.4 ms") == LINUX
    assert detect_format("Start: 2026-03-01T10:00:00+0000") == MTR
    assert detect_format("  1.|-- 192.168.1.1  0.0%  10  0.5  0.6  0.4  0.9  0.1") == MTR
    assert detect_format("Tracing route to x [1.2.3.4]") == TRACERT
    assert detect_format("  1    <1 ms    <1 ms    <1 ms  192.168.1.1") == TRACERT
    assert detect_format("PING 1.2.3.4 (1.2.3.4) 56(84) bytes of data.") is None


def test_assets_from_hops(tmp_path: Path) -> None:
    path = _write(tmp_path, "trace.txt", LINUX_NAMES)
    assets = read_traceroute_assets(path)
    # 7 hop records, one of them a timeout: 6 assets.
    assert len(assets) == 6
    assert {asset.kind for asset in assets} == {AssetKind.NETWORK_PATH}
    first = assets[0]
    assert first.name == "192.168.1.1"
    assert first.origin == f"{path} line 2"
    assert first.identifiers == (("ip", "192.168.1.1"), ("hop", "1"))
    assert first.attribute("hostname") == "_gateway"
    assert first.attribute("rtt_ms") == "0.512 0.48 0.47"
    assert first.attribute("destination") == "1.80.1.2"
    assert assets[2].identifiers == (("ip", "202.97.12.1"), ("hop", "4"), ("asn", "4134"))
    assert [asset.identifier("hop") for asset in assets] == ["1", "2", "4", "5", "5", "6"]
    ip_assets = hops_to_assets(parse_traceroute(path), "x", kind=AssetKind.IP)
    assert {asset.kind for asset in ip_assets} == {AssetKind.IP}


def test_trace_resolves_against_real_tables(tmp_path: Path, shared_data: Path) -> None:
    resolver = NetworkResolver([shared_data / "network/china_operator_ip"])
    assets = read_traceroute_assets(_write(tmp_path, "trace.txt", LINUX_NAMES))
    parties = {asset.identifier("ip"): [a.party for a in resolver.resolve(asset)] for asset in assets}
    # Private (RFC 1918) and CGNAT hops name nobody; 202.97.12.1 is in chinanet.txt line 2831
    # (202.97.0.0/17), 1.80.1.2 in chinanet.txt line 16 (1.80.0.0/13).
    assert parties == {
        "192.168.1.1": [],
        "100.64.0.1": [],
        "202.97.12.1": ["China Telecom"],
        "10.0.0.1": [],
        "10.0.0.2": [],
        "1.80.1.2": ["China Telecom"],
    }
    [backbone] = resolver.resolve(assets[2])
    assert backbone.evidence == (
        "202.97.12.1 in 202.97.0.0/17 (china_operator_ip/chinanet.txt line 2831: China Telecom, CN)"
    )


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("PING 1.80.1.2 (1.80.1.2) 56(84) bytes of data.\n", 1, "not traceroute output"),
        ("\n\nhello world\n", 3, "not traceroute output"),
        (LINUX_NAMES.replace(" 3  * * *", "garbage here"), 4, "expected a hop line"),
        (LINUX_NAMES.replace("(100.64.0.1)", "(100.64.0.999)"), 3, "'100.64.0.999' is not an IP address"),
        (LINUX_NAMES.replace(" 4  202.97", " 2  202.97"), 5, "hop 2 after hop 3"),
        (LINUX_NUMERIC.replace("fd00::1  0.611", "router-1  0.611"), 2, "neither an IP address nor 'host (ip)'"),
        (MTR_REPORT.replace("   0.3\n", "\n"), 7, "6 numbers for 7 columns"),
        ("".join(MTR_REPORT.splitlines(keepends=True)[2:]), 1, "before the 'HOST:' column header"),
        (MTR_REPORT.replace("HOST: laptop", "HOSTS laptop"), 2, "expected an mtr report line"),
        (TRACERT_OUT.replace("Trace complete.", "Unable to resolve target system name."), 11, "expected a tracert hop"),
        (TRACERT_OUT.replace("ae-1.example.net [202.97.12.1]", "ae-1.example.net"), 7, "expected the hop's address"),
    ],
)
def test_bad_input_names_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path, "bad.txt", text)
    with pytest.raises(SourceError) as error:
        parse_traceroute(path)
    assert error.value.path == str(path)
    assert error.value.line == line
    assert message in error.value.problem


def test_empty_and_header_only(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file is empty"):
        parse_traceroute(_write(tmp_path, "empty.txt", ""))
    with pytest.raises(SourceError, match="without any hop lines"):
        parse_traceroute(_write(tmp_path, "header.txt", LINUX_NAMES.splitlines()[0] + "\n"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"traceroute to x (1.2.3.4), 30 hops max\n 1  r\xe9seau (192.168.1.1)  1 ms\n")
    with pytest.raises(SourceError, match="not valid utf-8") as error:
        parse_traceroute(latin)
    assert error.value.line == 2


def test_two_traces_in_one_file(tmp_path: Path) -> None:
    hops = parse_traceroute(_write(tmp_path, "two.txt", LINUX_NAMES + "\n" + LINUX_NUMERIC))
    assert [hop.number for hop in hops] == [1, 2, 3, 4, 5, 5, 6, 1, 2, 3]
    assert hops[-1].destination == "240e:3b4:38c:1::1"
