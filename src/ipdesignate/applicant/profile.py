"""Applicant profiles: what an applicant states about itself, in exact units.

Two kinds: a ``unit`` (enterprise, university, research institute) and a ``carrier``
(park, incubator, maker space, alliance, association). Absent facts are ``None`` and
stay absent: the evaluator reports them as missing instead of assuming anything.
Field meanings and units are documented in docs/profiles.md.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    model_validator,
)

from .._core.exact import Unit, exact_str, parse_quantity
from .events import Event


@dataclass(frozen=True, slots=True)
class Quotient:
    """Annotated metadata: when the field is absent, it is exactly ``part / whole``."""

    part: str
    whole: str


@dataclass(frozen=True, slots=True)
class UnitMark:
    """Annotated metadata: the unit a numeric profile field is measured in."""

    unit: Unit


def _money(raw: Any) -> Any:
    if isinstance(raw, float):
        raise ValueError("write money exactly: as yuan (1200000), '120万元' or '1200000元'")
    if isinstance(raw, str):
        parsed = parse_quantity(raw)
        if parsed is None or parsed[1] not in (Unit.YUAN, Unit.COUNT, Unit.NUMBER):
            raise ValueError(f"{raw!r} is not an amount of money; write 1200000, '120万元' or "
                             "'1200000元'")
        raw = parsed[0]
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        raise ValueError("an amount of money is a number of yuan or text like '120万元'")
    if raw < 0:
        raise ValueError("an amount of money cannot be negative")
    return Decimal(raw)


def _rate(raw: Any) -> Any:
    if isinstance(raw, float):
        raise ValueError("write a rate exactly: as a fraction like 0.25 or as '25%'")
    if isinstance(raw, str):
        parsed = parse_quantity(raw)
        if parsed is None or parsed[1] is not Unit.RATIO:
            raise ValueError(f"{raw!r} is not a rate; write a fraction like 0.25 or '25%'")
        raw = parsed[0]
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        raise ValueError("a rate is a fraction like 0.25 or a percentage like '25%'")
    if raw < 0 or raw > 1:
        hint = (f"; {raw} looks like a percentage: write '{raw}%' or {Decimal(raw) / 100}"
                if 1 < raw <= 100 else "")
        raise ValueError(f"a rate must lie between 0 and 1{hint}")
    return Decimal(raw)


def _count(raw: Any) -> Any:
    if isinstance(raw, bool):
        raise ValueError("a count is a whole number, not true/false")
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        raw = int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\d+", raw.strip()):
        raw = int(raw)
    if not isinstance(raw, int):
        raise ValueError("a count is a whole number")
    if raw < 0:
        raise ValueError("a count cannot be negative")
    return raw


_exact_json = PlainSerializer(lambda v: exact_str(v), return_type=str, when_used="json")

# A yes/no fact accepts only true/false: "yes", 1 or "on" are refused, not guessed at.
Fact = Annotated[bool, Strict()]

Money = Annotated[Decimal, BeforeValidator(_money), _exact_json, UnitMark(Unit.YUAN),
                  Field(description="yuan; accepts 1200000, '120万元', '1200000元'")]
Rate = Annotated[Decimal, BeforeValidator(_rate), _exact_json, UnitMark(Unit.RATIO),
                 Field(description="fraction 0–1; accepts 0.25 or '25%'")]
Count = Annotated[int, BeforeValidator(_count), UnitMark(Unit.COUNT),
                  Field(description="whole number ≥ 0")]


class _Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Attestation(_Profile):
    """A statement for a qualitative clause: who states it, when, and the evidence."""

    holds: bool = Field(default=True, description="false records that the applicant "
                        "states the clause is NOT met")
    by: str = Field(min_length=1, description="who states it (name and role)")
    on: _dt.date
    evidence: str = Field(min_length=1, description="reference to the supporting document")
    note: str | None = None


class YearFigures(_Profile):
    """Figures for one calendar year."""

    rd_expenditure: Money | None = Field(None, description="研发投入或科研经费投入 (yuan)")
    patent_applications: Count | None = Field(None, description="专利申请量 filed in the year")
    invention_applications: Count | None = Field(
        None, description="发明专利申请量 filed in the year (part of patent_applications)")
    valid_patents: Count | None = Field(None, description="有效专利 held at year end")
    implemented_patents: Count | None = Field(
        None, description="已实施的有效专利 at year end (part of valid_patents)")
    patent_implementation_rate: Annotated[
        Rate | None, Quotient("implemented_patents", "valid_patents")
    ] = Field(
        None, description="专利实施率; when absent but implemented_patents and valid_patents "
        "are given, it is their quotient")
    ip_expenditure: Money | None = Field(None, description="知识产权投入 (yuan)")
    ip_revenue: Money | None = Field(None, description="知识产权产品及服务收入 (yuan)")
    main_business_revenue: Money | None = Field(None, description="主营业务收入 (yuan)")
    transfer_licence_income: Money | None = Field(
        None, description="知识产权转让、许可合同收入 (yuan)")
    equity_contract_amount: Money | None = Field(
        None, description="作价入股合同金额 (yuan)")

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> YearFigures:
        pairs = (("invention_applications", "patent_applications"),
                 ("implemented_patents", "valid_patents"))
        for part, whole in pairs:
            p, w = getattr(self, part), getattr(self, whole)
            if p is not None and w is not None and p > w:
                raise ValueError(f"{part} ({p}) cannot exceed {whole} ({w})")
        return self


def _years(raw: Any) -> Any:
    if isinstance(raw, dict):
        for key in raw:
            if not re.fullmatch(r"(19|20)\d\d", str(key)):
                raise ValueError(f"yearly figures are keyed by a four-digit year (found {key!r})")
    return raw


UnitEntity = Literal["enterprise", "university", "research_institute"]
CarrierEntity = Literal[
    "park", "incubator", "maker_space", "creator_space", "alliance", "association"
]
IpStandard = Literal["none", "reference", "implemented", "above"]


class UnitProfile(_Profile):
    """An enterprise, university or research institute applying for a unit designation."""

    kind: Literal["unit"]
    name: str = Field(min_length=1)
    entity_type: UnitEntity
    application_date: _dt.date | None = Field(None, description="date the application is filed")
    registered_in_beijing: Fact | None = Field(None, description="在本市注册")
    independent_legal_person: Fact | None = Field(None, description="具有独立法人资格")
    in_key_industry: Fact | None = Field(
        None, description="属于高精尖产业、知识产权密集型产业等本市重点发展的产业领域")
    sector: str | None = Field(None, description="sector, free text")
    has_ip_department: Fact | None = Field(None, description="具有管理知识产权工作的部门")
    has_dedicated_ip_department: Fact | None = Field(
        None, description="具有管理知识产权工作的专门部门 (a department for IP only)")
    ip_full_time_staff: Count | None = Field(
        None, description="负责知识产权管理工作的专职人员 (number of people)")
    ip_management_standard: IpStandard | None = Field(
        None, description="GB/T 29490 知识产权管理规范: none, reference (参照建立), "
        "implemented (实施), above (高于国家标准的制度体系)")
    central_enterprise_in_beijing: Fact | None = Field(None, description="在京中央企业")
    headquarters_enterprise: Fact | None = Field(None, description="总部企业")
    group_enterprise: Fact | None = Field(None, description="集团企业")
    cumulative_patent_applications: Count | None = Field(
        None, description="专利申请量, all applications ever filed")
    under_investigation: Fact | None = Field(
        None, description="the bureau is verifying a ground that bars designation (查证期间)")
    yearly: Annotated[dict[int, YearFigures], BeforeValidator(_years)] = Field(
        default_factory=dict, description="figures by calendar year")
    events: list[Event] | None = Field(
        None, description="dated events (findings, penalties, designations); an empty list "
        "states there are none, an absent list leaves it unknown")
    attestations: dict[str, Attestation] = Field(default_factory=dict)


class CarrierProfile(_Profile):
    """A park, incubator, maker space, alliance or association applying as a carrier."""

    kind: Literal["carrier"]
    name: str = Field(min_length=1)
    entity_type: CarrierEntity
    application_date: _dt.date | None = None
    established_in_beijing: Fact | None = Field(None, description="在本市设立")
    aligned_with_key_industries: Fact | None = Field(
        None, description="符合本市高精尖产业发展方向")
    independent_legal_person: Fact | None = Field(None, description="具有独立法人资格")
    has_ip_management_system: Fact | None = Field(None, description="知识产权内部管理制度")
    has_financial_system: Fact | None = Field(None, description="财务制度")
    operating_since: _dt.date | None = Field(None, description="运营 start date")
    member_units: Count | None = Field(None, description="辖区企业或成员单位 (number)")
    sme_members: Count | None = Field(None, description="of which 中小企业")
    key_industry_members: Count | None = Field(
        None, description="of which 符合北京市高精尖产业发展方向")
    members_valid_patents: Count | None = Field(None, description="有效专利拥有总量")
    members_invention_patents: Count | None = Field(None, description="发明专利拥有总量")
    has_ip_service_workstation: Fact | None = Field(
        None, description="已设立北京市知识产权公共服务工作站")
    under_investigation: Fact | None = None
    events: list[Event] | None = None
    attestations: dict[str, Attestation] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> CarrierProfile:
        for part in ("sme_members", "key_industry_members"):
            p = getattr(self, part)
            if p is not None and self.member_units is not None and p > self.member_units:
                raise ValueError(f"{part} ({p}) cannot exceed member_units ({self.member_units})")
        return self


Profile = UnitProfile | CarrierProfile
PROFILE_KINDS: dict[str, type[UnitProfile] | type[CarrierProfile]] = {
    "unit": UnitProfile, "carrier": CarrierProfile,
}


# ---- what the compiler may read ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """How a rulebook may use one profile field."""

    name: str
    role: str  # "fact" | "category" | "date" | "number" | "series"
    unit: Unit | None = None
    choices: tuple[str, ...] = ()
    quotient: Quotient | None = None


def _describe(name: str, annotation: Any, metadata: list[Any]) -> FieldInfo | None:
    for meta in metadata:
        if isinstance(meta, UnitMark):
            return FieldInfo(name, "number", meta.unit)
    args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    base = args[0]
    if get_origin(base) is Annotated:
        inner = get_args(base)
        for meta in inner[1:]:
            if isinstance(meta, UnitMark):
                return FieldInfo(name, "number", meta.unit)
        base = inner[0]
    if base is bool:
        return FieldInfo(name, "fact")
    if base is _dt.date:
        return FieldInfo(name, "date")
    if get_origin(base) is Literal:
        return FieldInfo(name, "category", choices=tuple(str(a) for a in get_args(base)))
    return None


def readable_fields(kind: str) -> dict[str, FieldInfo]:
    """Fields of profile ``kind`` a rulebook may read, with their role and unit."""
    model = PROFILE_KINDS[kind]
    out: dict[str, FieldInfo] = {}
    for name, info in model.model_fields.items():
        if name in ("kind", "name", "entity_type", "application_date"):
            continue
        described = _describe(name, info.annotation, list(info.metadata))
        if described is not None:
            out[name] = described
    if "yearly" in model.model_fields:
        for name, info in YearFigures.model_fields.items():
            d = _describe(name, info.annotation, list(info.metadata))
            if d is not None:
                quotient = next((m for m in info.metadata if isinstance(m, Quotient)), None)
                out[name] = FieldInfo(name, "series", d.unit, quotient=quotient)
    return out


def entity_types(kind: str) -> tuple[str, ...]:
    annotation = PROFILE_KINDS[kind].model_fields["entity_type"].annotation
    return tuple(str(a) for a in get_args(annotation))
