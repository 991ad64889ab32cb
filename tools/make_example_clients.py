"""Write examples/clients.xlsx and examples/clients.csv: a consultant's spreadsheet of clients.

Run ``python tools/make_example_clients.py`` after changing the rows below; a test checks the
files in examples/ match what this script writes (same cells).

The column convention is docs/frames.md. Money columns are in 万元 (header suffix ``(万元)``);
one row (示例错误数据有限公司) is deliberately wrong, to show how bad cells are reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2021, 2022, 2023)
SERIES = ("rd_expenditure", "patent_applications", "invention_applications", "valid_patents",
          "implemented_patents", "ip_expenditure", "ip_revenue", "main_business_revenue")
MONEY = {"rd_expenditure", "ip_expenditure", "ip_revenue", "main_business_revenue"}
HEAD = ("kind", "name", "entity_type", "application_date", "registered_in_beijing",
        "independent_legal_person", "in_key_industry", "has_ip_department",
        "has_dedicated_ip_department", "ip_full_time_staff", "ip_management_standard",
        "in_beijing", "central_enterprise", "headquarters_enterprise", "group_enterprise",
        "under_investigation", "cumulative_patent_applications", "events")
D = dt.date(2024, 3, 15)

# name, entity, facts (beijing, legal, key industry, dept, dedicated), staff, standard,
# (central, hq, group), investigation, cumulative, events cell, yearly rows by series
CLIENTS: list[dict[str, Any]] = [
    dict(name="北京智源示例科技有限公司", facts=(1, 1, 1, 1, 0), staff=2, std="reference",
         corp=(0, 0, 0), yearly={"rd_expenditure": (800, 900, 1000),
                                 "patent_applications": (10, 12, 15),
                                 "invention_applications": (3, 4, 5),
                                 "valid_patents": (20, 25, 30),
                                 "implemented_patents": (8, 10, 12)}, events="none"),
    dict(name="北京恒远示例装备股份有限公司", facts=(1, 1, 1, 1, 1), staff=4, std="implemented",
         corp=(0, 0, 0), yearly={"rd_expenditure": (1000, 1080, 1180),
                                 "patent_applications": (20, 24, 30),
                                 "invention_applications": (7, 8, 10),
                                 "valid_patents": (40, 44, 50),
                                 "implemented_patents": (26, 29, 33),
                                 "ip_expenditure": (50, 60, 70),
                                 "ip_revenue": (7000, 7600, 8000),
                                 "main_business_revenue": (11000, 11500, 12000)}),
    dict(name="中国示例能源集团有限公司", facts=(1, 1, 1, 1, 1), staff=12, std="above",
         corp=(1, 1, 1), yearly={"rd_expenditure": (50000, 56000, 63000),
                                 "patent_applications": (300, 330, 360),
                                 "invention_applications": (180, 200, 220),
                                 "valid_patents": (2000, 2200, 2400),
                                 "implemented_patents": (1400, 1540, 1700),
                                 "ip_expenditure": (3000, 3300, 3600),
                                 "ip_revenue": (600000, 660000, 700000),
                                 "main_business_revenue": (900000, 950000, 1000000)},
         events="none"),
    dict(name="北京示例理工大学", entity="university", facts=(1, 1, 1, 1, None), staff=3,
         std="implemented", corp=(None, None, None), cumulative=860,
         yearly={"rd_expenditure": (20000, 22000, 25000),
                 "patent_applications": (120, 130, 150),
                 "invention_applications": (100, 110, 125)}, events="none"),
    dict(name="北京示例新材料有限公司", facts=(1, 1, 1, 1, 0), staff=1, std="reference",
         corp=(0, 0, 0), yearly={"rd_expenditure": (300, 280.5, 350),
                                 "patent_applications": (6, 5, 8),
                                 "invention_applications": (1, 1, 2),
                                 "valid_patents": (12, 14, 15),
                                 "implemented_patents": (4, 5, 6)}, events="none"),
    dict(name="北京示例生物医药有限公司", facts=(1, 1, 1, 1, 0), staff=2, std="reference",
         corp=(0, 0, 0), yearly={"rd_expenditure": (1200, 1350, 1500),
                                 "patent_applications": (15, 18, 22),
                                 "valid_patents": (30, 34, None),
                                 "implemented_patents": (15, 17, None)}),
    dict(name="北京示例软件有限公司", facts=(1, 1, 0, 1, 0), staff=2, std="reference",
         corp=(0, 0, 0), yearly={"rd_expenditure": (500, 600, 700),
                                 "patent_applications": (8, 9, 11),
                                 "valid_patents": (10, 12, 15),
                                 "implemented_patents": (6, 8, 10)}, events="none"),
    dict(name="北京示例检测研究院", entity="research_institute", facts=(1, 1, 1, 1, None),
         staff=2, std="implemented", corp=(None, None, None), cumulative=150,
         yearly={"rd_expenditure": (3000, 3300, 3600), "patent_applications": (30, 35, 40)},
         events="none"),
    dict(name="北京示例智能制造有限公司", facts=(1, 1, 1, 1, 1), staff=3, std="implemented",
         corp=(0, 0, 0), yearly={"rd_expenditure": (2000, 2100, 2300),
                                 "patent_applications": (25, 27, 30),
                                 "invention_applications": (5, 6, 7),
                                 "valid_patents": (60, 66, 70),
                                 "implemented_patents": (40, 45, 48),
                                 "ip_expenditure": (100, 90, 120),
                                 "ip_revenue": (5000, 5200, 5500),
                                 "main_business_revenue": (9000, 9500, 10000)}),
    dict(name="示例错误数据有限公司", facts=(1, "maybe", 1, 1, 0), staff=-2, std="reference",
         corp=(0, 0, 0), yearly={"rd_expenditure": (100, "一百", 120)}, events="none"),
]
ATTESTATIONS = [
    ("北京智源示例科技有限公司", "ip_strategy", True, "王敏 (知识产权部经理)", "2024-03-01",
     "《知识产权战略规划(2023—2025)》"),
    ("北京恒远示例装备股份有限公司", "ip_strategy_and_plan", True, "陈立 (副总经理)", "2024-03-01",
     "《知识产权战略与工作规划(2022—2026)》"),
    ("北京恒远示例装备股份有限公司", "core_patents", True, "陈立 (副总经理)", "2024-03-01",
     "核心发明专利清单"),
    ("北京恒远示例装备股份有限公司", "ip_investment_meets_plan", True, "陈立 (副总经理)",
     "2024-03-01", "2023年知识产权预算执行报告"),
    ("中国示例能源集团有限公司", "ip_strategy", True, "刘洋 (科技部主任)", "2024-02-20",
     "集团知识产权战略纲要"),
    ("北京示例理工大学", "ip_strategy", True, "赵敏 (技术转移中心主任)", "2024-03-05",
     "学校知识产权工作规划"),
]
EVENTS = [
    ("北京恒远示例装备股份有限公司", "d-2022-pilot", "designated", "2022-11-18", "pilot",
     "京知局公告2022年第12号"),
    ("北京示例智能制造有限公司", "d-2021-pilot", "designated", "2021-11-20", "pilot",
     "京知局公告2021年第9号"),
]


def _yn(v: Any) -> Any:
    return {1: True, 0: False}.get(v, v) if not isinstance(v, str) else v


def rows() -> tuple[list[str], list[list[Any]]]:
    header = list(HEAD) + [f"{s}_{y}" + (" (万元)" if s in MONEY else "")
                           for s in SERIES for y in YEARS]
    out = []
    for c in CLIENTS:
        beijing, legal, key, dept, dedicated = (_yn(x) for x in c["facts"])
        central, hq, group = (_yn(x) for x in c["corp"])
        row = ["unit", c["name"], c.get("entity", "enterprise"), D, beijing, legal, key, dept,
               dedicated, c["staff"], c["std"], True, central, hq, group, False,
               c.get("cumulative"),
               c.get("events")]
        for s in SERIES:
            values = c["yearly"].get(s, (None, None, None))
            row += list(values)
        out.append(row)
    return header, out


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, data = rows()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "clients"
    ws.append(header)
    for r in data:
        ws.append(r)
    for sheet, head, body in (
            ("events", ["name", "id", "type", "date", "designation", "ref"], EVENTS),
            ("attestations", ["name", "attestation", "holds", "by", "on", "evidence"],
             ATTESTATIONS)):
        s = wb.create_sheet(sheet)
        s.append(head)
        for r in body:
            s.append([dt.date.fromisoformat(v) if k in ("date", "on") else v
                      for k, v in zip(head, r, strict=True)])
    for s in wb.worksheets:
        for cell in s[1]:
            cell.font = Font(bold=True)
        s.freeze_panes = "B2"
    # a fixed timestamp keeps the file the same from run to run
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 3, 15)
    wb.save(path)


def write_csv(path: Path) -> None:
    """The flat form: one sheet only, so events are a cell ('none') and no attestations."""
    header, data = rows()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in data:
            w.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date)
                        else str(v).lower() if isinstance(v, bool) else v for v in r])


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples"
    write_xlsx(target / "clients.xlsx")
    write_csv(target / "clients.csv")
    print(f"wrote {target / 'clients.xlsx'} and {target / 'clients.csv'}")
