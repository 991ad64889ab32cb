"""The golden corpus of decision output: every rendering of a few thousand decisions,
recorded as hashes, so that a speed-up of the evaluator or the serialiser is checked
byte for byte against what the engine wrote before it (tests/test_output_identity.py).

The corpus: the embedded test cases of every shipped and test rulebook; every example
and probe profile for every designation open to it on several dates (and "as if" an
earlier version); a few hundred deterministic random pilot applicants from
benchmarks/population.py, some with events, on two application dates; and field-by-field
removals from the demo rulebook's profiles. Each decision is kept as its compact and
indented JSON, text, Markdown, HTML, ``repr`` and ``str``; an error as its type and text.

    python tests/golden.py record             # rewrite the fixture (only from a trusted main)
    python tests/golden.py dump DIR           # every output in full, to diff two trees
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURE = HERE / "golden" / "output_hashes.json.gz"
POPULATION = 240


def _profiles_files() -> list[Path]:
    files = [*sorted((ROOT / "examples").glob("*.yaml")),
             *sorted((HERE / "probes").glob("*.yaml")),
             *sorted((HERE / "revision" / "profiles").glob("*.yaml"))]
    return files


def _population() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import population

    cols = population.columns(POPULATION, seed=1130)
    out = []
    for i in range(POPULATION):
        data = population.profile_dict(cols, i)
        if i % 5 == 1:
            data["events"] = [{"id": "d1", "type": "designated", "date": dt.date(2022, 11, 18),
                               "designation": "pilot"}]
        if i % 11 == 2:
            data["events"] = [{"id": "v1", "type": "other_violation",
                               "date": dt.date(2021, 3, 16 + i % 3)}]
        if i % 13 == 3:
            data["events"] = [{"id": "m1", "type": "false_materials_finding",
                               "date": dt.date(2023, 2, 1), "details": {"application": "earlier"}}]
        if i % 17 == 4:
            data.pop("events")
        out.append(data)
    return out


Job = tuple[str, Callable[[], Any]]


def _jobs() -> Iterator[Job]:
    import ipdesignate
    from ipdesignate.library.library import Library
    from ipdesignate.testing.cases import case_profile_data

    lib = Library.default()
    for rb in lib.all():
        for i, case in enumerate(rb.model.tests):
            data = case_profile_data(rb.model, case)

            def run(rb: Any = rb, case: Any = case, data: Any = data) -> Any:
                return rb.evaluate(lib.parse_profile(data, "case"), case.designation, case.on)

            yield f"case/{rb.id}/{i}/{case.name}", run
    revision = Library.load([HERE / "revision" / "rulebooks"])
    for rb in revision.all():
        for i, case in enumerate(rb.model.tests):
            data = case_profile_data(rb.model, case)

            def run2(rb: Any = rb, case: Any = case, data: Any = data) -> Any:
                return rb.evaluate(revision.parse_profile(data, "case"), case.designation,
                                   case.on)

            yield f"revision/{rb.version}/{i}/{case.name}", run2
    for f in _profiles_files():
        try:
            profile = lib.load_profile(f)
        except ipdesignate.IpdesignateError:
            continue
        name = f.relative_to(ROOT)
        designations = sorted({d for rb in lib.all() for d, cd in rb.designations.items()
                               if cd.profile == profile.kind})
        applied = profile.application_date or dt.date(2024, 3, 15)
        dates = [None, dt.date(2023, 6, 30), applied + dt.timedelta(days=200),
                 dt.date(2019, 12, 31)]
        for d in designations:
            for on in dates:
                yield (f"file/{name}/{d}/{on}",
                       lambda p=profile, d=d, on=on: lib.check(p, d, on))
            for version in ("2018", "2020-trial"):
                yield (f"file/{name}/{d}/as-if-{version}",
                       lambda p=profile, d=d, v=version: lib.check(p, d, dt.date(2025, 1, 2),
                                                                   version=v))
        for rlib, tag in ((revision, "rev"),):
            for d in designations:
                yield (f"file/{name}/{d}/{tag}/2026-06-01",
                       lambda p=profile, d=d, rl=rlib: rl.check(
                           rl.parse_profile(p.model_dump(exclude_none=True), "p"), d,
                           dt.date(2026, 6, 1), application_date=p.application_date))
    for i, data in enumerate(_population()):
        profile = lib.parse_profile(data, f"applicant {i}")
        for d in ("pilot", "demonstration"):
            yield f"pop/{i}/{d}", lambda p=profile, d=d: lib.check(p, d, dt.date(2024, 3, 15))
        if i % 4 == 0:
            yield (f"pop/{i}/pilot/2023",
                   lambda p=profile: lib.check(p, "pilot", dt.date(2023, 5, 1),
                                               application_date=dt.date(2023, 3, 1)))
    demo = Library.load([HERE / "rulebooks" / "good"])
    for rb in demo.all():
        for i, case in enumerate(rb.model.tests):
            base = case_profile_data(rb.model, case)
            assert base is not None
            variants: list[tuple[str, dict[str, Any]]] = [("base", base)]
            for key in sorted(k for k in base if k not in ("kind", "name", "entity_type")):
                variants.append((f"-{key}", {k: v for k, v in base.items() if k != key}))
            for year, rec in sorted((base.get("yearly") or {}).items()):
                for key in sorted(rec):
                    cut = {**base, "yearly": {**base["yearly"],
                                              year: {k: v for k, v in rec.items() if k != key}}}
                    variants.append((f"-{year}.{key}", cut))
                    zero = {**base, "yearly": {**base["yearly"], year: {**rec, key: 0}}}
                    variants.append((f"0{year}.{key}", zero))
            for tag, data in variants:
                def run3(rb: Any = rb, case: Any = case, data: Any = data) -> Any:
                    return rb.evaluate(demo.parse_profile(data, "demo"), case.designation,
                                       case.on)

                yield f"demo/{i}/{tag}", run3


def outputs(decision: Any) -> dict[str, str]:
    """Every rendering of a decision a user can see."""
    from ipdesignate.decision.html import render_html
    from ipdesignate.decision.render import render_markdown, render_text

    return {
        "json": decision.model_dump_json(),
        "json2": decision.model_dump_json(indent=2),
        "dict": json.dumps(decision.model_dump(mode="json"), ensure_ascii=False),
        "text": render_text(decision),
        "md": render_markdown(decision),
        "html": render_html(decision),
        "repr": repr(decision),
        "str": str(decision),
    }


def corpus() -> Iterator[tuple[str, dict[str, str]]]:
    from ipdesignate import IpdesignateError

    for key, run in _jobs():
        try:
            decision = run()
        except IpdesignateError as exc:
            yield key, {"error": f"{type(exc).__name__}: {exc}"}
            continue
        yield key, outputs(decision)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def hashes() -> dict[str, dict[str, str]]:
    return {key: {k: digest(v) for k, v in out.items()} for key, out in corpus()}


def load_fixture() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    return data


def record() -> None:
    data = hashes()
    FIXTURE.parent.mkdir(exist_ok=True)
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    FIXTURE.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{len(data)} decisions recorded in {FIXTURE}")


def dump(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for key, out in corpus():
        base = target / key.replace("/", "__")
        for k, v in out.items():
            Path(f"{base}.{k}").write_text(v, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"]:
        record()
    elif sys.argv[1:2] == ["dump"]:
        dump(Path(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
