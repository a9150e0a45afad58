"""The ``kttt`` command: validate | indicators | build | sample.

Messages are Vietnamese first; an English line follows each problem. Exit codes: 0 when
everything asked for succeeded, 1 when the inputs have errors or a build failed, 2 for a
wrong command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kttt.config import command_data_dir
from kttt.problems import SEVERITY_LABELS

NOTICES_PER_KIND = 5  # notes of one kind shown per file (the rest are counted)


def print_problems(problems: list, out=None) -> None:  # noqa: ANN001
    """Every problem by file: errors and warnings all, notes of one kind (a converted former
    unit, say) up to :data:`NOTICES_PER_KIND` and then counted."""
    out = out or sys.stdout
    by_file: dict[str, list] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, items in by_file.items():
        counts = {s: sum(1 for p in items if p.severity == s) for s in SEVERITY_LABELS}
        summary = ", ".join(f"{n} {SEVERITY_LABELS[s].lower()}" for s, n in counts.items() if n or s == "loi")
        print(f"\n{file}: {summary}", file=out)
        shown: dict[str, int] = {}
        for p in items:
            if p.severity == "thong_bao":
                shown[p.code] = shown.get(p.code, 0) + 1
                if shown[p.code] > NOTICES_PER_KIND:
                    continue
            print(f"  [{SEVERITY_LABELS[p.severity]}] {p.message()}", file=out)
            print(f"  {p.message_en()}", file=out)
        for code, n in shown.items():
            if n > NOTICES_PER_KIND:
                print(f"  … và {n - NOTICES_PER_KIND} thông báo cùng loại ({code}) khác trong tệp này.", file=out)


def file_line(f) -> str:  # noqa: ANN001 - a FileReport
    """One file's row accounting: ``✓ 2022/htx.xlsx (trang «HTX 2022»): đọc 669 = nhận 669 + loại 0``."""
    mark = "✓" if f.ok else "✗"
    where = f" (trang «{f.sheet}»)" if f.sheet else ""
    failed = " — không đọc được tệp" if f.failed else ""
    return f"  {mark} {f.file}{where}: đọc {f.rows_read} = nhận {f.rows_accepted} + loại {f.rows_rejected}{failed}"


def cmd_validate(args: argparse.Namespace) -> int:
    from kttt.load import load_dataset

    years = [args.year] if args.year else None
    ds = load_dataset(command_data_dir(args.data_dir), years=years)
    print(f"Bộ dữ liệu: {ds.name} — {ds.meta.ten}" + (" (DỮ LIỆU MÔ PHỎNG)" if ds.meta.mo_phong else ""))
    for y in ds.years:
        info = ds.info(y)
        if info.is_estimate or info.data_date.month != 12 or info.data_date.day != 31:
            print(f"  Năm {y}: {info.label}")
    print("Số dòng theo tệp (đọc = nhận + loại):")
    for f in ds.files:
        print(file_line(f))
        for note in f.notices:
            print(f"      ghi chú: {note}")
    print_problems(ds.problems)
    errors = len(ds.errors)
    if errors:
        print(f"\nKhông hợp lệ: {errors} lỗi. / Invalid: {errors} error(s).")
        return 1
    warnings = sum(1 for p in ds.problems if p.severity == "canh_bao")
    print(f"\nHợp lệ{f' ({warnings} cảnh báo)' if warnings else ''}. / Valid.")
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    import json

    from kttt.config import years_needed
    from kttt.indicators import compute_indicators, to_machine, to_records
    from kttt.load import load_dataset

    root = command_data_dir(args.data_dir)
    ds = load_dataset(root, years=years_needed(root, args.year))
    if args.year not in ds.years:
        print(f"Lỗi: bộ dữ liệu không có năm {args.year}. / No year {args.year} in the dataset.",
              file=sys.stderr)
        return 1
    if not ds.ok:
        print_problems(ds.problems, out=sys.stderr)
        print(f"\nKhông hợp lệ: {len(ds.errors)} lỗi. / Invalid.", file=sys.stderr)
        return 1
    table = compute_indicators(ds, args.year)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_records(table), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(to_machine(table).to_csv(index=False, lineterminator="\n"))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from kttt.pipeline import build_many

    formats = None if args.format is None else tuple(f.strip() for f in args.format.split(",") if f.strip())
    results = build_many(args.data_dir, years=args.year or None, all_years=args.all_years, out=args.out,
                         jobs=args.jobs, use_cache=not args.no_cache, formats=formats, scheduler=args.scheduler,
                         timeout=args.timeout or None, progress_bar=sys.stderr.isatty())
    return 0 if results and all(r.ok for r in results.values()) else 1


def cmd_sample(args: argparse.Namespace) -> int:
    from kttt.sample import SEED, YEN_BAI, generate, generate_national

    if args.national:
        generate_national(Path(args.out), args.seed or SEED, args.provinces)
        return 0
    for path in generate(Path(args.out), YEN_BAI, args.seed or SEED):
        print(f"đã ghi {path}")
    return 0


def _scheduler(value: str) -> str:
    from kttt.pipeline.executors import is_dask_address

    if not is_dask_address(value):
        raise argparse.ArgumentTypeError(f"«{value}» không phải «local» hay địa chỉ scheduler Dask "
                                         "(ví dụ tcp://10.0.0.5:8786)")
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise argparse.ArgumentTypeError(f"«{value}» không phải một số giây (0 = không giới hạn)")
    return seconds


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kttt", description="Báo cáo kinh tế tập thể tái lập được.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="kiểm tra bộ dữ liệu theo hợp đồng dữ liệu")
    v.add_argument("data_dir", help="thư mục bộ dữ liệu, ví dụ data/yen_bai")
    v.add_argument("--year", type=int, help="chỉ kiểm tra một năm")
    v.set_defaults(func=cmd_validate)

    i = sub.add_parser("indicators", help="bảng chỉ tiêu của một năm (CSV hoặc JSON)")
    i.add_argument("data_dir")
    i.add_argument("--year", type=int, required=True)
    i.add_argument("--format", choices=("csv", "json"), default="csv")
    i.set_defaults(func=cmd_indicators)

    b = sub.add_parser("build", help="chạy notebook, xuất HTML, PDF, Excel, CSV")
    b.add_argument("data_dir", nargs="+", help="một hoặc nhiều thư mục bộ dữ liệu (mỗi tỉnh một thư mục)")
    b.add_argument("--year", type=int, action="append", help="năm cần dựng (lặp lại được)")
    b.add_argument("--all-years", action="store_true", help="mọi năm có trong bộ dữ liệu")
    b.add_argument("--out", default=None, help="thư mục đầu ra (mặc định: reports/)")
    b.add_argument("--jobs", type=int, default=None, help="số tiến trình song song (mặc định: số lõi)")
    b.add_argument("--no-cache", action="store_true", help="chạy lại mọi notebook")
    b.add_argument("--scheduler", type=_scheduler, default=None,
                   help="chạy trên Dask: «local» (một LocalCluster trên máy này) hoặc địa chỉ scheduler "
                        "tcp://MÁY:8786 (xem docs/dask.md); mặc định: các tiến trình trên máy này")
    from kttt.pipeline import DEFAULT_TIMEOUT

    b.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT,
                   help=f"giới hạn thời gian chạy mỗi ô notebook, giây (mặc định {DEFAULT_TIMEOUT:g}; 0 = không giới hạn)")
    from kttt.outputs import DEFAULT_FORMATS, OUTPUTS

    always = [n for n, o in OUTPUTS.items() if o.always]
    b.add_argument("--format", default=None,
                   help=f"các định dạng, cách nhau bởi dấu phẩy: {','.join(OUTPUTS)} (mặc định "
                        f"{','.join(DEFAULT_FORMATS)}; {', '.join(always)} và manifest luôn có)")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("sample", help="sinh lại bộ dữ liệu mô phỏng")
    s.add_argument("out", nargs="?", default=None,
                   help="thư mục đích (mặc định data/yen_bai; bắt buộc với --national)")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--national", action="store_true",
                   help="tập 34 tỉnh × 10 năm (2015–2024) kèm tap_du_lieu.yaml, tổng năm 2024 bằng số cả nước")
    s.add_argument("--provinces", type=int, default=None, help="chỉ sinh N tỉnh đầu (với --national)")
    s.set_defaults(func=cmd_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "sample" and args.out is None:
        if args.national:
            print("Lỗi: kttt sample --national cần thư mục đích, ví dụ kttt sample --national ca_nuoc/. "
                  "/ --national needs an output folder.", file=sys.stderr)
            return 2
        from kttt.config import SAMPLE_DATASET

        args.out = str(SAMPLE_DATASET)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("Đã dừng. / Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kttt … | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
