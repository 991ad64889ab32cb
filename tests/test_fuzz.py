"""Fuzz suite (issue 9): generated and mutated inputs of every family, run as users run them.

Families: profiles (the shipped examples mutated field by field and structurally, through
``ipdesignate check`` and through the Python API), rulebooks (the shipped rulebooks
mutated line by line, through ``ipdesignate validate``), event histories (generated from a
measure's event types, through ``ipdesignate timeline``) and batches (many units in YAML,
JSON and JSON Lines with some units broken, through ``ipdesignate timeline``).

Each case asserts: no exception but the library's own (exit 0 or 1, never 3, never a
traceback); exit 1 comes with a located message (``file:line:col`` or a path); a
decision for an input that is valid; no case slower than ``BOUND`` seconds; in a batch,
every input unit counted, none printed that the input did not contain.

Deterministic (``derandomize``): the same cases every run. The number of cases per family
is ``IPDESIGNATE_FUZZ_EXAMPLES`` (default 30, a few seconds each family; CI runs that);
``IPDESIGNATE_FUZZ_EXAMPLES=2000`` is the long run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipdesignate import IpdesignateError, Library
from ipdesignate._core.yaml import load_file, load_text
from ipdesignate.cli.main import main
from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("IPDESIGNATE_FUZZ_EXAMPLES", "30"))
BOUND = float(os.environ.get("IPDESIGNATE_FUZZ_BOUND", "5"))  # seconds per case
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))

RULEBOOKS = ROOT / "rulebooks"
CLUSTER = RULEBOOKS / "bj-ip-cluster-zone" / "2020.yaml"
PROFILES = {p.name: p.read_text("utf-8") for p in sorted((ROOT / "examples").glob("*.yaml"))}
LOCATED = re.compile(r"\S+:\d+:\d+: |\[at [^\]]+\]")
COUNTS: dict[str, int] = {}


@contextlib.contextmanager
def _no_disk_cache() -> Iterator[None]:
    # mutated rulebooks would each leave an entry in the on-disk compile cache
    old = os.environ.get("IPDESIGNATE_CACHE")
    os.environ["IPDESIGNATE_CACHE"] = "off"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("IPDESIGNATE_CACHE", None)
        else:
            os.environ["IPDESIGNATE_CACHE"] = old


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A rulebook tree (sources and vocabulary beside the measures) to write cases into."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(RULEBOOKS / "sources", root / "sources")
    shutil.copy(RULEBOOKS / "vocabulary.yaml", root / "vocabulary.yaml")
    (root / "m").mkdir()
    return root


def run(*argv: str) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse: a usage error
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


def promise(family: str, code: int, err: str, took: float, *, located: bool = True) -> None:
    COUNTS[family] = COUNTS.get(family, 0) + 1
    assert code in (0, 1), f"exit {code}: {err[:2000]}"
    assert "internal error" not in err and "Traceback" not in err, err[:2000]
    assert took < BOUND, f"{took:.1f}s"
    if code == 1 and located:
        assert _located(err), err[:2000]


def _located(err: str) -> bool:
    """Text errors: ``file:line:col: …`` or ``[at path]`` (an ``error: …`` line is not
    about a place in the input: a version or a designation); JSON errors (problem
    documents): each problem has a line or a location."""
    if err.startswith("{"):
        docs = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        return all(p.get("line") is not None or p.get("location")
                   for d in docs for p in d.get("problems", []))
    return bool(LOCATED.search(err)) or err.startswith("error: ")


# ---- values that broke the promises before --------------------------------------------

NASTY = st.sampled_from([
    "1e999999999", "1e-999999999", "9" * 5000, "1" + "0" * 24, "1" + "0" * 30,
    "'0." + "1" * 61 + "%'", "-1", "0", "0.0", "1.5", "100%", "'120万元'", "'1e3'",
    "9999-12-31", "0001-01-01", "2021-02-30", "1710460800", "true", "null", "''", "'x'",
    "[]", "{}", "[[1]]", "{a: {b: {c: 1}}}", "[" * 200 + "]" * 200, "'\u0000'", ".nan",
    ".inf", "0x10", "0o17", "1_000", "'2024-01-01 '", "!!python/object:os.system x",
    "*undefined", "&a [*a]", "'第一条'", "3 years", "8000 years",
])
VALUES = st.one_of(
    NASTY,
    st.integers(-10 ** 30, 10 ** 30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12).map(
        json.dumps),
)
_KEY_LINE = re.compile(r"(?m)^(\s*(?:- )?)([A-Za-z_][\w.]*): (.+)$")


def mutate(text: str, data: st.DataObject) -> str:
    """One structural or field mutation of a YAML document, chosen by ``data``."""
    kind = data.draw(st.sampled_from(["value", "value", "value", "delete", "duplicate",
                                      "truncate", "garbage", "indent", "key"]))
    lines = text.split("\n")
    if kind == "truncate":
        return text[:data.draw(st.integers(0, len(text)))]
    if kind == "garbage":
        at = data.draw(st.integers(0, len(text)))
        return text[:at] + data.draw(st.sampled_from(["{", "]", ":", "\t", "- ", "'", "&a",
                                                      "*a", "\ufffd", "%", "#"])) + text[at:]
    n = data.draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "delete":
        del lines[n]
    elif kind == "duplicate":
        lines.insert(n, lines[n])
    elif kind == "indent":
        lines[n] = "  " + lines[n]
    elif kind == "key":
        lines.insert(n, data.draw(st.sampled_from(
            ["extra_field: 1", "kind: unit", "yearly: {1999: {}}", "events: [{}]",
             "rulebook: 2", "'quoted': 1"])))
    else:
        matches = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
        if matches:
            i = data.draw(st.sampled_from(matches))
            m = _KEY_LINE.match(lines[i])
            assert m is not None
            lines[i] = f"{m.group(1)}{m.group(2)}: {data.draw(VALUES)}"
    return "\n".join(lines)


# ---- profiles --------------------------------------------------------------------------

DESIGNATIONS = ("pilot", "demonstration", "cluster_zone")


@FUZZ
@given(st.data())
def test_fuzz_profiles_through_check(work: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(PROFILES)))
    text = mutate(PROFILES[name], data)
    f = work / f"profile{data.draw(st.sampled_from(['.yaml', '.json', '.yml']))}"
    f.write_text(text, "utf-8")
    designation = data.draw(st.sampled_from(DESIGNATIONS))
    code, out, err, took = run("check", str(f), "-d", designation, "--format",
                               data.draw(st.sampled_from(["text", "json", "markdown"])))
    promise("profiles (check)", code, err, took)
    if code == 0:
        assert out.strip()  # a decision, whatever the verdict


# Silent accepts: a value the field's type can never take must be refused (exit 1, at
# the field), never read as something else (a number as a date, true as 1, ...).
PILOT_TEXT = PROFILES["pilot-enterprise.yaml"]
NEVER = {
    "application_date": ["1710460800", "0", "9999-12-31", "2024-02-30", "'2024-3-15'",
                         "true", "[2024]", "1e3"],
    "registered_in_beijing": ["1", "'yes'", "'true'", "0", "[]", "2024-01-01"],
    "ip_full_time_staff": ["-1", "1.5", "true", "'x'", "1e999999999", "1" + "0" * 24,
                           "2024-01-01", "[2]"],
    "ip_management_standard": ["1", "true", "'Reference'", "[reference]"],
    "events": ["[{id: e1, type: designated, designation: pilot, date: 0}]", "1", "'x'",
               "[{id: e1, type: nope, date: 2020-01-01}]"],
}


@FUZZ
@given(st.sampled_from(sorted(NEVER)), st.data())
def test_fuzz_profiles_never_accept_a_wrong_value(work: Path, field: str,
                                                  data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(NEVER[field]))
    lines = [f"{field}: {value}" if line.startswith(f"{field}:") else line
             for line in PILOT_TEXT.split("\n")]
    f = work / "never.yaml"
    f.write_text("\n".join(lines), "utf-8")
    code, _, err, took = run("check", str(f), "-d", "pilot")
    promise("profiles (wrong values refused)", code, err, took)
    assert code == 1, f"{field}: {value} was accepted"
    assert field in err


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.default()


PY_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 40, 10 ** 40),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(), st.text(max_size=12), st.dates(), st.datetimes(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4),
                                                         st.integers(), max_size=2),
    st.sampled_from([Decimal("1e999999999"), 10 ** 5000, "9999-12-31", "1710460800"]),
)


@FUZZ
@given(st.data())
def test_fuzz_profiles_through_the_python_api(library: Library, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(PROFILES)))
    located = load_text(PROFILES[name], name, [])
    assert located is not None
    profile: dict[str, Any] = dict(located.data)
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from([*sorted(profile), "yearly", "events", "extra"]))
        if data.draw(st.booleans()) and key in profile:
            del profile[key]
        else:
            profile[key] = data.draw(PY_VALUES)
    start = time.perf_counter()
    try:
        p = library.parse_profile(profile)
        decision = library.check(p, data.draw(st.sampled_from(DESIGNATIONS)))
        assert decision.verdict
    except IpdesignateError:
        pass
    COUNTS["profiles (Python API)"] = COUNTS.get("profiles (Python API)", 0) + 1
    assert time.perf_counter() - start < BOUND


# ---- rulebooks -------------------------------------------------------------------------

SHIPPED = {p.parent.name: p.read_text("utf-8") for p in sorted(RULEBOOKS.glob("*/*.yaml"))}


@FUZZ
@given(st.data())
def test_fuzz_rulebooks_through_validate(work: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(SHIPPED)))
    text = SHIPPED[name]
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate(text, data)
    f = work / "m" / f"{name}.yaml"
    f.write_text(text, "utf-8")
    try:
        with _no_disk_cache():
            code, out, err, took = run("validate", str(f))
        promise("rulebooks (validate)", code, err, took)
        if code == 0:
            assert out.startswith("ok  ")
    finally:
        f.unlink()


# ---- event histories -------------------------------------------------------------------

EVENT_TYPES = sorted(load_file(CLUSTER, []).data["event_types"])  # type: ignore[union-attr]
DATES = st.one_of(st.dates(min_value=dt.date(2019, 1, 1),
                           max_value=dt.date(2026, 12, 31)).map(str), NASTY)


def _event(draw: Any, i: int) -> str:
    fields = [f"id: e{draw(st.integers(0, 30)) if draw(st.booleans()) else i}",
              f"type: {draw(st.sampled_from([*EVENT_TYPES, 'designatd', 'x']))}",
              f"date: {draw(DATES)}"]
    if draw(st.booleans()):
        fields.append(f"designation: {draw(st.sampled_from(['cluster_zone', 'pilot']))}")
    if draw(st.booleans()):
        fields.append("details: {" + draw(st.sampled_from(
            ["result: fail", "result: pass", "ground: assessment", "x: 1", "result: [1]",
             "due: 2021-01-01", "ground: other"])) + "}")
    return "{" + ", ".join(fields) + "}"


@st.composite
def histories(draw: Any) -> str:
    n = draw(st.integers(0, 25))
    return "unit: u\nevents:\n" + "".join(f"  - {_event(draw, i)}\n" for i in range(n))


@FUZZ
@given(histories(), st.sampled_from([None, "2020-06-30", "2022-01-01", "2999-12-31"]))
def test_fuzz_event_histories_through_timeline(work: Path, history: str,
                                               on: str | None) -> None:
    f = work / "history.yaml"
    f.write_text(history, "utf-8")
    argv = ["timeline", str(f), "--rulebook", str(CLUSTER)] + (["--on", on] if on else [])
    code, out, err, took = run(*argv)
    promise("event histories (timeline)", code, err, took)
    if code == 0:
        assert out.startswith("unit u ")


# ---- batches ---------------------------------------------------------------------------


@st.composite
def batches(draw: Any) -> tuple[str, str, list[str]]:
    n = draw(st.integers(1, 30))
    ids = [f"z{i}" for i in range(n)]
    fmt = draw(st.sampled_from(["yaml", "json", "json-pretty", "jsonl"]))
    units = [{"unit": u, "events": [{"id": "d1", "type": "designated",
                                     "date": draw(st.sampled_from(["2020-09-01",
                                                                   "2021-03-01"])),
                                     "designation": "cluster_zone"}]} for u in ids]
    if fmt == "yaml":
        parts = [f"- unit: {u['unit']}\n  events:\n    - {{id: d1, type: designated, "
                 f"date: {u['events'][0]['date']}, designation: cluster_zone}}\n"
                 for u in units]
    elif fmt == "jsonl":
        parts = [json.dumps(u) + "\n" for u in units]
    else:
        parts = [json.dumps(u, indent=2 if fmt == "json-pretty" else None) for u in units]
    for _ in range(draw(st.integers(0, 3))):  # break some units, only inside themselves
        k = draw(st.integers(0, n - 1))
        part = parts[k]
        at = draw(st.integers(part.index(ids[k]) + len(ids[k]) + 2, len(part) - 3))
        parts[k] = part[:at] + draw(st.sampled_from(["", "{", "]", ":", "2021-02-30",
                                                     "'", "\t"])) + part[at + 1:]
    if fmt == "yaml":
        text, suffix = "".join(parts), ".yaml"
    elif fmt == "jsonl":
        text, suffix = "".join(parts), ".jsonl"
    else:
        text, suffix = "[" + ",\n".join(parts) + "]\n", ".json"
    return text, suffix, ids


@FUZZ
@given(batches())
def test_fuzz_batches_lose_and_invent_no_unit(work: Path,
                                              batch: tuple[str, str, list[str]]) -> None:
    text, suffix, ids = batch
    f = work / f"batch{suffix}"
    f.write_text(text, "utf-8")
    code, out, err, took = run("timeline", str(f), "--rulebook", str(CLUSTER), "--on",
                               "2021-06-01", "--format", "json")
    promise("batches (timeline)", code, err, took, located=False)
    printed = [json.loads(line)["unit"] for line in out.splitlines()]
    assert len(printed) == len(set(printed)) and set(printed) <= set(ids), printed
    assert printed == [u for u in ids if u in printed]  # input order kept
    summary = [json.loads(line) for line in err.splitlines() if '"units"' in line]
    if len(ids) > 1 or summary:
        assert summary and summary[-1]["units"] == len(ids), err[-500:]
        assert summary[-1]["done"] == len(printed)


def test_zz_fuzz_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Print how many cases each family tried (run with -s to see them)."""
    with capsys.disabled():
        print("\nfuzz cases tried: " + ", ".join(f"{k}: {v}" for k, v in sorted(
            COUNTS.items())))
