"""From the folders a build is given to its targets: each dataset, each collection's provinces
and roll-up, with the years to build, the jobs of each year and their keys.

A path is taken as given, from where the command runs (the same rule as ``kttt validate``):
``kttt build data/x`` builds ``./data/x`` or says it is not there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kttt.config import command_data_dir, dataset_name, year_dirs, years_needed
from kttt.outputs import OUTPUTS
from kttt.pipeline.collection import ROLLUP_NOTEBOOKS, Collection, is_collection, open_collection
from kttt.pipeline.plan import BuildResult, Target, make_job, notebooks, year_key

data_path = command_data_dir  # a data folder argument: as every command resolves it (kttt.config)


@dataclass
class Plan:
    """Every target of a build, and the folders that could not be planned (their messages)."""

    targets: list[Target] = field(default_factory=list)
    refused: dict[str, BuildResult] = field(default_factory=dict)
    collections: dict[Path, Collection] = field(default_factory=dict)

    def refuse(self, name: str, message: str) -> None:
        self.refused.setdefault(name, BuildResult(ok=False)).problems.append(message)

    def add(self, target: Target) -> None:
        """A target, once: a province given alone and within its collection is built once
        (for the years asked of either)."""
        for known in self.targets:
            if known.source == target.source and (known.collection is None) == (target.collection is None):
                for year in target.years:
                    if year not in known.years:
                        known.years.append(year)
                        known.jobs[year], known.keys[year] = target.jobs[year], target.keys[year]
                known.years.sort()
                return
        self.targets.append(target)


def _years(available: list[int], years: Iterable[int] | None, all_years: bool) -> list[int]:
    return available if all_years else sorted({int(y) for y in (years or available[-1:])})


def _target(source: Path, arg: str, years: list[int], out_root: Path, books: list[Path], formats: tuple[str, ...],
            digests: dict[Path, str], collection: Collection | None = None) -> Target:
    jobs = {}
    for year in years:
        if collection is None:
            jobs[year] = [make_job(source, year, nb, digests) for nb in books]
        else:
            inputs, reads = collection.inputs(year), collection.preload(year)
            jobs[year] = [make_job(source, year, nb, digests, inputs, reads) for nb in books]
    name = dataset_name(source)
    return Target(source, name, arg, out_root / name, years, books, jobs,
                  {y: year_key(js, formats) for y, js in jobs.items()}, formats, collection)


def plan(data_dirs: Iterable[str | Path], years: Iterable[int] | None, all_years: bool, out_root: Path,
         formats: tuple[str, ...], notebook_dir: Path | None = None) -> Plan:
    """The targets of a build (see the module doc)."""
    from kttt.pipeline.collection import CollectionError

    books = notebooks(notebook_dir) if notebook_dir else notebooks()
    digests: dict[Path, str] = {}
    result = Plan()
    years = list(years) if years is not None else None
    for arg in data_dirs:
        source = data_path(arg)
        if not source.is_dir():
            result.refuse(source.name, f"Lỗi: không tìm thấy thư mục dữ liệu {source} (từ thư mục hiện tại "
                                       f"{Path.cwd()}).")
            continue
        if not is_collection(source):
            available = year_dirs(source)
            wanted = _years(available, years, all_years)
            missing = [y for y in wanted if y not in available]
            if missing or not wanted:
                result.refuse(source.name, f"Lỗi: không có dữ liệu năm {', '.join(map(str, missing)) or '(không có năm nào)'} "
                                           f"trong {source}.")
                continue
            result.add(_target(source, str(arg), wanted, out_root, books, formats, digests))
            continue
        try:
            collection = open_collection(source)
        except CollectionError as exc:
            result.refuse(source.name, f"Lỗi: {source}/{exc}")
            continue
        result.collections[source] = collection
        asked = _years(collection.common_years(), years, all_years)
        for province in collection.provinces:
            have = [y for y in asked if y in year_dirs(province)]
            if len(have) < len(asked):
                result.refuse(province.name, f"Lỗi: không có dữ liệu năm "
                                             f"{', '.join(str(y) for y in asked if y not in have)} trong {province}.")
            if have:
                result.add(_target(province, str(province), have, out_root, books, formats, digests))
        absent = {y: collection.missing(y) for y in asked if collection.missing(y)}
        wanted = [y for y in asked if y not in absent]
        if absent or not asked:
            detail = "; ".join(f"năm {y} thiếu ở {', '.join(names)}" for y, names in absent.items())
            result.refuse(source.name, f"Lỗi: tập «{collection.ten}» ({source}): không dựng báo cáo tổng hợp — "
                                       f"{detail or 'các tỉnh không có năm chung nào'}.")
        if wanted:
            rollup_formats = tuple(f for f in formats if OUTPUTS[f].rollup)
            result.add(_target(source, str(arg), wanted, out_root, notebooks(ROLLUP_NOTEBOOKS),
                                          rollup_formats, digests, collection))
    return result


def validation_years(target: Target) -> list[int]:
    """The years whose registers the target's notebooks read (validated before building)."""
    return sorted({y for year in target.years for y in years_needed(target.source, year, history=True)})
