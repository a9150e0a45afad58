"""``kttt build``: run the notebooks (papermill, in parallel, cached) and publish each year.

For every year asked for: the dataset is validated first (a dataset with errors builds
nothing and touches nothing); each notebook runs in a worker process unless its cache key
is unchanged (:mod:`kttt.build.plan`); once all of a year's notebooks have run, its outputs
are rendered aside — HTML pages and ``index.html``, ``bao_cao_kttt_<year>.pdf``,
``bang_bieu_<year>.xlsx``, ``chi_so_<year>.csv``, ``manifest.json`` — and moved into
``OUT/<dataset>/<year>/`` in one step. A failing notebook leaves the previous publication
as it was, keeps the failed executed notebook (with papermill's error banner) under
``OUT/<dataset>/.loi/<year>/`` and says which notebook and cell failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from kttt import __version__, fmt
from kttt.build.execute import Executed, execute
from kttt.build.plan import Job, make_job, notebooks, package_versions, sha256_file, source_digest
from kttt.config import (
    REPO_ROOT,
    REPORTS_DIR,
    dataset_name,
    resolve_data_dir,
    year_dirs,
    years_needed,
)
from kttt.problems import SEVERITY_LABELS

FORMATS = ("html", "pdf", "xlsx")


@dataclass
class BuildResult:
    """What a build did."""

    ok: bool
    published: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    executed: list[tuple[int, str]] = field(default_factory=list)
    cached: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def git_commit() -> str:
    """The repository's commit, or "" outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _say(log: Callable[[str], None] | None) -> Callable[[str], None]:
    if log is not None:
        return log
    return lambda text: print(text, flush=True)


# ----------------------------------------------------------------------------- rendering (worker)

def render_year(root: str, out_dir: str, year: int, executed: dict[str, str], formats: tuple[str, ...],
                inputs: list[str], parameters: dict[str, object], year_key: str, data_dir_arg: str,
                commit: str) -> list[str]:
    """Render one year's outputs into ``out_dir`` (a staging folder). Returns the files written."""
    import nbformat

    from kttt.build.export import all_tables, write_indicator_csv, write_workbook
    from kttt.build.render import (
        PageInfo,
        document,
        notebook_body,
        notebook_title,
        page,
        prefix_ids,
        write_pdf,
    )
    from kttt.build.site import year_index
    from kttt.report import synthetic_notice
    from kttt.tables import NOTEBOOK_TITLES, Context

    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    ctx = Context.open(root, year, history=True)
    meta = ctx.dataset.meta
    notice = synthetic_notice(ctx)
    build_date = dt.date(year, 12, 31)
    books = {name: nbformat.read(path, as_version=4) for name, path in sorted(executed.items())}
    pages = tuple((f"{name}.html", notebook_title(nb, NOTEBOOK_TITLES.get(name, name))) for name, nb in books.items())
    short = commit[:12] if commit else "không rõ"
    footer = (f"Dựng bằng kttt {__version__} (commit {short}) từ bộ dữ liệu «{Path(root).name}» — {meta.ten}; "
              f"số liệu tại {fmt.date(build_date)}. Nguồn gốc từng tệp đầu vào (SHA-256), phiên bản các gói "
              "và tham số: manifest.json." + (" " + notice if notice else ""))
    info = PageInfo(meta.ten, year, notice, footer, pages)
    written: list[str] = []
    bodies = {name: notebook_body(nb) for name, nb in books.items()}
    if "html" in formats:
        for (file, title), name in zip(pages, books, strict=True):
            (target / file).write_text(page(bodies[name], title, file, info), encoding="utf-8")
            written.append(file)
    if "pdf" in formats:
        sections = [(f"chuong-{name}", title, prefix_ids(bodies[name], name)) for (file, title), name in
                    zip(pages, books, strict=True)]
        pdf = target / f"bao_cao_kttt_{year}.pdf"
        write_pdf(document(sections, info, build_date.isoformat()), pdf, target)
        written.append(pdf.name)
    if "xlsx" in formats:
        xlsx = target / f"bang_bieu_{year}.xlsx"
        write_workbook(xlsx, ctx, all_tables(ctx), build_date, notice)
        written.append(xlsx.name)
    csv_path = target / f"chi_so_{year}.csv"
    write_indicator_csv(csv_path, ctx.table)
    written.append(csv_path.name)
    if "html" in formats:
        (target / "index.html").write_text(year_index(info, set(written) | {"manifest.json"}), encoding="utf-8")
        written.append("index.html")
    root_path = Path(root)
    manifest = {
        "bo_du_lieu": root_path.name,
        "ten": meta.ten,
        "ma_tinh": meta.ma_tinh,
        "mo_phong": meta.mo_phong,
        "nam": year,
        "ngay_so_lieu": build_date.isoformat(),
        "tham_so": {"year": year, "data_dir": data_dir_arg},
        "kttt": {"phien_ban": __version__, "git_commit": commit, "ma_bam_ma_nguon": source_digest()},
        "goi": package_versions(),
        "dinh_dang": list(formats),
        "dau_vao": [{"tep": Path(p).relative_to(root_path).as_posix(), "sha256": sha256_file(Path(p)),
                     "so_byte": Path(p).stat().st_size} for p in sorted(inputs)],
        "so_dong": [{"tep": f.file, "doc": f.rows_read, "nhan": f.rows_accepted, "loai": f.rows_rejected}
                    for f in ctx.dataset.files],
        "notebook": sorted(books),
        "dau_ra": [{"tep": name, "sha256": sha256_file(target / name)} for name in sorted(written)],
        "khoa_dung": year_key,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written.append("manifest.json")
    return written


# ----------------------------------------------------------------------------- publishing

def publish(staging: Path, final: Path) -> None:
    """Move a fully built year into place; the old publication goes only once the new one is in."""
    old = final.with_name(f".cu-{final.name}")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    if old.exists():
        shutil.rmtree(old)


def recover(dataset_out: Path) -> None:
    """Put back a publication left aside by an interrupted publish."""
    for old in dataset_out.glob(".cu-*"):
        final = dataset_out / old.name[len(".cu-"):]
        if not final.exists():
            old.rename(final)
        else:
            shutil.rmtree(old)


def year_key(jobs: Iterable[Job], formats: tuple[str, ...]) -> str:
    material = json.dumps({"jobs": sorted((j.name, j.key) for j in jobs), "formats": sorted(formats),
                           "kttt": source_digest()}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def is_current(final: Path, key: str) -> bool:
    """The published year was built from the same key and its files are intact."""
    manifest = final / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    if data.get("khoa_dung") != key:
        return False
    for entry in data.get("dau_ra", []):
        path = final / entry["tep"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            return False
    return True


# ----------------------------------------------------------------------------- the build

def build(data_dir: str | Path, years: Iterable[int] | None = None, all_years: bool = False,
          out: str | Path | None = None, jobs: int | None = None, use_cache: bool = True,
          formats: Iterable[str] = FORMATS, log: Callable[[str], None] | None = None,
          notebook_dir: Path | None = None) -> BuildResult:
    """Build the report collection of ``data_dir`` (see the module doc).

    Without ``years`` nor ``all_years``, the latest year is built.
    """
    say = _say(log)
    formats = tuple(f for f in FORMATS if f in set(formats))
    unknown = set(formats) - set(FORMATS)
    root = resolve_data_dir(data_dir)
    result = BuildResult(ok=False)
    if unknown:
        say(f"Lỗi: định dạng không hỗ trợ: {', '.join(sorted(unknown))} (chỉ có html, pdf, xlsx).")
        return result
    available = year_dirs(root)
    wanted = available if all_years else sorted(set(int(y) for y in (years or available[-1:])))
    name = dataset_name(root)
    missing = [y for y in wanted if y not in available]
    if not root.is_dir() or missing or not wanted:
        say(f"Lỗi: không có dữ liệu năm {', '.join(map(str, missing)) or '(không có năm nào)'} trong {root}.")
        return result

    out_root = Path(out).resolve() if out else REPORTS_DIR
    dataset_out = out_root / name
    cache_dir = dataset_out / ".cache"
    staging_root = dataset_out / ".dang-dung"
    failed_dir = dataset_out / ".loi"
    books = notebooks(notebook_dir) if notebook_dir else notebooks()
    digests: dict[Path, str] = {}
    plan: dict[int, list[Job]] = {y: [make_job(root, y, nb, digests) for nb in books] for y in wanted}
    keys = {y: year_key(js, formats) for y, js in plan.items()}
    workers = max(1, jobs or os.cpu_count() or 1)
    total = sum(len(js) for js in plan.values())
    if dataset_out.is_dir():
        recover(dataset_out)
    current = {y for y in wanted if use_cache and is_current(dataset_out / str(y), keys[y])}
    if current == set(wanted) and (dataset_out / "index.html").is_file():
        # inputs, notebooks and code unchanged since a build that validated them: nothing to do
        result.unchanged = list(wanted)
        result.cached = [(y, j.name) for y in wanted for j in plan[y]]
        result.ok = True
        say(f"«{name}»: {len(wanted)} năm, {total} notebook — không có gì thay đổi, giữ nguyên bản đã xuất bản.")
        return result

    from kttt.load import load_dataset

    needed = sorted({y for year in wanted for y in years_needed(root, year, history=True)})
    dataset = load_dataset(root, years=needed)
    if not dataset.ok:
        say(f"Bộ dữ liệu {name} có {len(dataset.errors)} lỗi: không dựng báo cáo, các báo cáo đã xuất bản giữ nguyên.")
        for p in dataset.problems:
            say(f"  [{SEVERITY_LABELS[p.severity]}] {p.message()}")
            result.problems.append(p.message())
        return result

    dataset_out.mkdir(parents=True, exist_ok=True)
    commit = git_commit()
    say(f"Dựng báo cáo «{name}»: {len(wanted)} năm × {len(books)} notebook, {workers} tiến trình"
        f"{'' if use_cache else ', không dùng bộ nhớ đệm'}.")

    todo: dict[int, list[Job]] = {}
    executed: dict[int, dict[str, str]] = {}
    done_count = 0
    for y, js in plan.items():
        if y in current:
            result.unchanged.append(y)
            result.cached.extend((y, j.name) for j in js)
            done_count += len(js)
            say(f"[{done_count:>3}/{total}] {y}: không có gì thay đổi, giữ nguyên bản đã xuất bản.")
            continue
        executed[y] = {}
        todo[y] = []
        for j in js:
            cached = cache_dir / str(y) / f"{j.name}.ipynb"
            key_file = cached.with_suffix(".khoa")
            if use_cache and cached.is_file() and key_file.is_file() and key_file.read_text() == j.key:
                executed[y][j.name] = str(cached)
                result.cached.append((y, j.name))
                done_count += 1
                say(f"[{done_count:>3}/{total}] {y} · {j.name}: dùng kết quả đã lưu (đầu vào không đổi).")
            else:
                todo[y].append(j)

    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        running: dict[Future, tuple[str, int, object]] = {}
        waiting_jobs = {y: len(js) for y, js in todo.items()}
        failed_years: dict[int, str] = {}

        def submit_render(y: int) -> None:
            staging = staging_root / str(y)
            if staging.exists():
                shutil.rmtree(staging)
            inputs = sorted({str(p) for j in plan[y] for p in j.inputs})
            future = pool.submit(render_year, str(root), str(staging), y, executed[y], formats, inputs,
                                 {"year": y}, keys[y], str(data_dir), commit)
            running[future] = ("render", y, None)
            say(f"      {y}: đang xuất HTML, PDF, Excel, CSV …")

        for y, js in todo.items():
            for j in js:
                output = cache_dir / str(y) / f"{j.name}.tmp.ipynb"
                future = pool.submit(execute, y, str(j.notebook), str(output), j.parameters)
                running[future] = ("execute", y, j)
            if not js:
                submit_render(y)

        while running:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                kind, y, job = running.pop(future)
                if kind == "execute":
                    assert isinstance(job, Job)
                    try:
                        outcome: Executed = future.result()
                    except Exception as exc:  # worker crashed
                        outcome = Executed(y, job.name, "", 0.0, False, f"{type(exc).__name__}: {exc}")
                    done_count += 1
                    tmp = Path(outcome.output) if outcome.output else None
                    if outcome.ok and tmp is not None:
                        final_nb = cache_dir / str(y) / f"{job.name}.ipynb"
                        tmp.replace(final_nb)
                        final_nb.with_suffix(".khoa").write_text(job.key)
                        executed[y][job.name] = str(final_nb)
                        result.executed.append((y, job.name))
                        say(f"[{done_count:>3}/{total}] {y} · {job.name}: chạy xong ({fmt.number(outcome.seconds, 1)} giây).")
                    else:
                        kept = ""
                        if tmp is not None and tmp.exists():
                            failed_dir.joinpath(str(y)).mkdir(parents=True, exist_ok=True)
                            kept_path = failed_dir / str(y) / f"{job.name}.ipynb"
                            tmp.replace(kept_path)
                            kept = f" Notebook lỗi (có thông báo lỗi của papermill) lưu tại {kept_path}."
                        where = f"ô thực thi số {outcome.cell}" if outcome.cell else "khi chạy"
                        message = f"notebook {job.name}, {where}: {outcome.error}"
                        failed_years.setdefault(y, message)
                        say(f"[{done_count:>3}/{total}] ✗ {y} · {job.name}: LỖI ở {where} — {outcome.error}.{kept}")
                    waiting_jobs[y] -= 1
                    if waiting_jobs[y] == 0:
                        if y in failed_years:
                            say(f"      {y}: không xuất bản (lỗi ở {failed_years[y]}); bản đã xuất bản trước đó giữ nguyên.")
                        else:
                            submit_render(y)
                else:
                    staging = staging_root / str(y)
                    try:
                        files = future.result()
                    except Exception as exc:
                        failed_years[y] = f"xuất báo cáo: {type(exc).__name__}: {exc}"
                        say(f"      ✗ {y}: lỗi khi xuất báo cáo — {type(exc).__name__}: {exc}; bản cũ giữ nguyên.")
                        shutil.rmtree(staging, ignore_errors=True)
                        continue
                    publish(staging, dataset_out / str(y))
                    result.published.append(y)
                    say(f"      {y}: đã xuất bản {dataset_out / str(y)} ({len(files)} tệp).")
    shutil.rmtree(staging_root, ignore_errors=True)
    result.failed = failed_years
    from kttt.build.site import dataset_index
    from kttt.report import synthetic_notice
    from kttt.tables import Context

    notice = synthetic_notice(Context(dataset, wanted[-1]))
    (dataset_out / "index.html").write_text(dataset_index(dataset_out, dataset.meta.ten, notice), encoding="utf-8")
    result.ok = not failed_years
    elapsed = time.perf_counter() - started
    summary = (f"Xong sau {fmt.number(elapsed, 1)} giây: chạy {len(result.executed)} notebook, "
               f"dùng lại {len(result.cached)}; xuất bản {len(result.published)} năm, giữ nguyên {len(result.unchanged)} năm"
               + (f", lỗi {len(failed_years)} năm ({', '.join(map(str, sorted(failed_years)))})." if failed_years else "."))
    say(summary)
    if not result.ok:
        print(summary, file=sys.stderr)
    return result
