"""The applicant vocabulary, loaded from YAML: profile models, readable fields, labels.

Which file: the ``vocabulary.yaml`` nearest above a rulebook (the folder of the rulebook,
then its parents), else the one shipped with the package. A rulebook may add kinds,
fields and entity types under ``vocabulary:``; a library merges all of them, refusing a
field declared twice in different ways.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FsPath

from .._core.errors import Path, Problem, RulebookError
from .._core.exact import Unit
from .._core.validate import validate
from .._core.yaml import Located, load_file
from ..rulebook.base import Text
from ..rulebook.vocabulary import FieldSpec, KindSpec, Quotient, VocabularyFile
from .profile import Profile, build_profile_model

FILE_NAME = "vocabulary.yaml"
_MODELS: dict[tuple[str, bytes], type[Profile]] = {}
_NUMBER_UNITS = {"count": Unit.COUNT, "money": Unit.YUAN, "rate": Unit.RATIO}


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """How a rulebook may use one profile field."""

    name: str
    role: str  # "fact" | "category" | "date" | "number" | "series"
    unit: Unit | None = None
    choices: tuple[str, ...] = ()
    quotient: Quotient | None = None
    container: str = ""  # for a series: the field holding the figures by year


@dataclass(frozen=True, slots=True)
class FieldLabel:
    """What a field is called and measured in, for people (checklists, forms, docs)."""

    name: str
    type: str
    zh: str
    en: str
    unit_zh: str | None = None
    unit_en: str | None = None
    year: int | None = None  # for one year of a yearly series: that year


def _info(name: str, spec: FieldSpec, container: str = "") -> FieldInfo | None:
    t = spec.type
    if t in _NUMBER_UNITS:
        unit = _NUMBER_UNITS[t]
        if container:
            return FieldInfo(name, "series", unit, quotient=spec.quotient, container=container)
        return FieldInfo(name, "number", unit)
    if container:
        return None  # only numbers are read from a yearly series
    if t in ("fact", "date"):
        return FieldInfo(name, t)
    if t == "category":
        return FieldInfo(name, "category", choices=tuple(spec.values or ()))
    return None


@dataclass
class Vocabulary:
    """Profile kinds, merged from a vocabulary file and the extensions of rulebooks."""

    kinds: dict[str, KindSpec]
    sources: tuple[str, ...] = ()
    _models: dict[str, type[Profile]] = field(default_factory=dict, repr=False)

    def model(self, kind: str) -> type[Profile]:
        m = self._models.get(kind)
        if m is None:
            spec = self.kinds[kind]
            # pickled, not dumped as JSON: that would build the spec's serializer on every
            # command-line run. Equal bytes unpickle to an equal declaration, so a hit is
            # always right (equal declarations pickled differently only build twice).
            key = (kind, pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
            m = _MODELS.get(key)
            if m is None:  # the same declaration gives the same class, built once
                m = _MODELS[key] = build_profile_model(kind, spec)
            self._models[kind] = m
        return m

    def models(self) -> dict[str, type[Profile]]:
        """Every kind's model (built once: this is on the path of every profile parsed)."""
        if len(self._models) != len(self.kinds):
            for k in self.kinds:
                self.model(k)
        return self._models

    def entity_types(self, kind: str) -> tuple[str, ...]:
        return tuple(self.kinds[kind].entity_types)

    def readable_fields(self, kind: str) -> dict[str, FieldInfo]:
        """Fields of profile ``kind`` a rulebook may read, with their role and unit."""
        out: dict[str, FieldInfo] = {}
        for name, spec in self.kinds[kind].fields.items():
            if spec.type == "yearly":
                for fname, fspec in (spec.fields or {}).items():
                    info = _info(fname, fspec, name)
                    if info is not None:
                        out[fname] = info
            else:
                info = _info(name, spec)
                if info is not None:
                    out[name] = info
        return out

    def label(self, kind: str, path: str) -> FieldLabel | None:
        """The label of a field named by its path in a profile (``FIELD``,
        ``SERIES[2022].FIGURE`` as in a decision's ``missing``, or ``SERIES.2022.FIGURE``),
        or None when the vocabulary has no such field."""
        spec_kind = self.kinds.get(kind)
        if spec_kind is None:
            return None
        parts = [p for p in re.split(r"[.\[\]]+", path) if p]
        if not parts:
            return None
        spec = spec_kind.fields.get(parts[0])
        if spec is None:
            return None
        year = None
        if spec.type == "yearly" and len(parts) > 1:
            rest = parts[1:]
            if rest and rest[0].isdigit():
                year = int(rest.pop(0))
            if rest:
                spec_y = (spec.fields or {}).get(rest[0])
                if spec_y is None:
                    return None
                return _label(rest[0], spec_y, year)
        return _label(parts[0], spec, year)

    def extend(self, kinds: dict[str, KindSpec], where: str) -> list[str]:
        """Add kinds, fields and entity types; returns what conflicts (nothing is changed
        for a conflicting field)."""
        conflicts: list[str] = []
        for kname, add in kinds.items():
            have = self.kinds.get(kname)
            if have is None:
                self.kinds[kname] = add
                continue
            entity = dict(have.entity_types)
            for e, lab in add.entity_types.items():
                if e in entity and entity[e] != lab:
                    conflicts.append(f"entity type {kname}.{e} is declared differently in {where}")
                entity.setdefault(e, lab)
            fields = dict(have.fields)
            for fname, spec in add.fields.items():
                old = fields.get(fname)
                if old is None:
                    fields[fname] = spec
                elif old == spec:
                    continue
                elif old.type == spec.type == "yearly":
                    merged = dict(old.fields or {})
                    for yname, yspec in (spec.fields or {}).items():
                        if yname in merged and merged[yname] != yspec:
                            conflicts.append(f"field {kname}.{fname}.{yname} is declared "
                                             f"differently in {where}")
                        merged.setdefault(yname, yspec)
                    fields[fname] = old.model_copy(update={"fields": merged})
                else:
                    conflicts.append(f"field {kname}.{fname} is declared differently in {where}")
            self.kinds[kname] = have.model_copy(update={"entity_types": entity,
                                                        "fields": fields})
        self._models.clear()
        self.sources = (*self.sources, where)
        return conflicts

    def copy(self) -> Vocabulary:
        return Vocabulary(dict(self.kinds), self.sources)


def _label(name: str, spec: FieldSpec, year: int | None) -> FieldLabel:
    lab = spec.label or Text(zh=name, en=name)
    unit = spec.unit
    if spec.type == "money":
        unit = Text(zh="元", en="yuan")
    return FieldLabel(name, spec.type, lab.zh, lab.en, unit.zh if unit else None,
                      unit.en if unit else None, year)


def check_kinds(located: Located, kinds: dict[str, KindSpec], prefix: Path,
                problems: list[Problem]) -> None:
    """What the shape cannot say: a part's whole, a quotient's fields exist and are counts."""
    for kname, kind in kinds.items():
        _check_record(located, kind.fields, (*prefix, kname, "fields"), problems)
        for fname, spec in kind.fields.items():
            if spec.fields:
                _check_record(located, spec.fields,
                              (*prefix, kname, "fields", fname, "fields"), problems)


def _check_record(located: Located, fields: dict[str, FieldSpec], path: Path,
                  problems: list[Problem]) -> None:
    numbers = [n for n, s in fields.items() if s.type in ("count", "money")]
    for fname, spec in fields.items():
        wholes = [(spec.within, "within")] if spec.within else []
        if spec.quotient:
            wholes += [(spec.quotient.part, "quotient"), (spec.quotient.whole, "quotient")]
        for other, key in wholes:
            if other is not None and other not in numbers:
                problems.append(located.problem(
                    (*path, fname, key), f"{other!r} is not a count or amount of money "
                    "declared beside this field", expected=f"one of: {', '.join(numbers)}"))


def load_vocabulary_file(path: FsPath) -> Vocabulary:
    """Load and check a vocabulary file; RulebookError with every located problem."""
    return _load_cached(str(path.resolve()))


@cache
def _load_cached(path: str) -> Vocabulary:
    problems: list[Problem] = []
    located = load_file(path, problems)
    doc = validate(VocabularyFile, located, problems) if located is not None else None
    if located is not None and doc is not None:
        check_kinds(located, doc.kinds, ("kinds",), problems)
    if doc is None or problems:
        raise RulebookError(problems)
    return Vocabulary(dict(doc.kinds), (path,))


def bundled_vocabulary_file() -> FsPath:
    # the package's own folder: what importlib.resources.files gives for a package
    # installed as files (which the str() here always assumed), without its lookups
    return FsPath(__file__).parent.parent / "law" / FILE_NAME


def vocabulary_file_for(rulebook: FsPath | None) -> FsPath:
    """The ``vocabulary.yaml`` nearest above ``rulebook``, else the bundled one."""
    if rulebook is not None:
        for folder in FsPath(rulebook).resolve().parents:
            candidate = folder / FILE_NAME
            if candidate.is_file():
                return candidate
    return bundled_vocabulary_file()


def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (a copy: extending it changes nothing else)."""
    return load_vocabulary_file(bundled_vocabulary_file()).copy()


def field_label(kind: str, path: str, vocabulary: Vocabulary | None = None) -> FieldLabel | None:
    """Bilingual label and unit of the field at ``path`` of a ``kind`` profile, e.g.
    a path as listed in a decision's ``missing`` (``SERIES[2022].FIGURE`` gives the
    figure's label and the year)."""
    vocab = vocabulary if vocabulary is not None else _shared_default()
    return vocab.label(kind, path)


@cache
def _shared_default() -> Vocabulary:
    return default_vocabulary()


def profile_models(vocabulary: Vocabulary | None = None) -> dict[str, type[Profile]]:
    return (vocabulary or _shared_default()).models()


def profile_model(kind: str, vocabulary: Vocabulary | None = None) -> type[Profile] | None:
    """The model of profile ``kind`` (built on first use), or None for an unknown kind."""
    vocab = vocabulary or _shared_default()
    return vocab.model(kind) if kind in vocab.kinds else None


def known_kinds(vocabulary: Vocabulary | None = None) -> tuple[str, ...]:
    return tuple((vocabulary or _shared_default()).kinds)
