"""Command line: commands and options only; the work is done by the stages."""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, uptodate
from .errors import BantinError, ContentError, Diagnostic, UsageError
from .options import BuildOptions, PdfOptions
from .text import format_count

# The stages are imported by the commands that use them: a build with nothing to do, or
# `bantin -h`, never pays for loading the Markdown, template, PDF and repeat-check code.

COMMANDS = ("build", "check", "dedup", "new", "import", "serve")

_ARGPARSE_MESSAGES = [
    (r"unrecognized arguments: (.*)", r"không hiểu tham số: \1"),
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"argument (\S+): invalid int value: '(.*)'", r"\1 cần một số nguyên, không phải '\2'"),
    (r"argument (\S+): expected one argument", r"\1 cần một giá trị đi kèm"),
    (r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
     r"lệnh '\2' không có; chọn một trong: \3"),
]


class VietnameseParser(argparse.ArgumentParser):
    """argparse with Vietnamese usage errors (exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: dict[str, argparse.ArgumentParser] = {}  # the commands' own parsers

    def parse_args(self, args: Any = None, namespace: Any = None) -> argparse.Namespace:
        """An unknown option is told by its command's parser: its usage, its help."""
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            where = self.commands.get(getattr(parsed, "command", None) or "", self)
            where.error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed

    def error(self, message: str) -> NoReturn:
        for pattern, repl in _ARGPARSE_MESSAGES:
            if re.search(pattern, message):
                message = re.sub(pattern, repl, message)
                break
        self.print_usage(sys.stderr)
        # prog is "bantin" or "bantin build": the help of this very parser
        self.exit(2, f"lỗi: {message}\nXem hướng dẫn: {self.prog} -h\n")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "Cách dùng:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "Cách dùng:", 1)
        return text.replace("\noptions:\n", "\nTùy chọn:\n").replace(
            "\npositional arguments:\n", "\nTham số:\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")
    p.add_argument("--root", type=Path, default=Path("."), metavar="THƯ_MỤC",
                   help="thư mục của trang (chứa content/); mặc định: thư mục hiện tại")
    p.add_argument("-v", "--verbose", action="store_true", help="in chi tiết mọi cảnh báo")


def make_parser() -> VietnameseParser:
    parser = VietnameseParser(
        prog="bantin", add_help=False,
        description="Dựng bản tin Cải cách hành chính (trang web và PDF) từ các bài Markdown.")
    parser.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")
    parser.add_argument("--version", action="version", version=f"bantin {__version__}",
                        help="in phiên bản rồi thoát")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=VietnameseParser)
    b = sub.add_parser("build", add_help=False, help="dựng trang web (và PDF) vào public/")
    _common(b)
    b.add_argument("--out", type=Path, default=None, metavar="THƯ_MỤC",
                   help="thư mục xuất; mặc định: <root>/public")
    b.add_argument("--no-pdf", action="store_true", help="không dựng bản PDF")
    b.add_argument("--drafts", action="store_true", help="dựng cả bài nháp (draft: true)")
    b.add_argument("--no-cache", action="store_true",
                   help="bỏ qua bộ nhớ đệm .bantin-cache/")
    b.add_argument("--print-shop", action="store_true",
                   help="thêm bản PDF gửi nhà in: chừa xén 3 mm và dấu cắt (…-nha-in.pdf)")
    b.add_argument("--booklet", action="store_true",
                   help="thêm bản A3 ngang dàn trang để in hai mặt, gấp đôi, đóng ghim giữa "
                        "(…-a3-gap-doi.pdf)")
    b.add_argument("--archive", action="store_true",
                   help="thêm bản PDF/A để lưu trữ lâu dài (…-luu-tru.pdf)")
    b.add_argument("--print-dir", type=Path, default=None, metavar="THƯ_MỤC",
                   help="nơi ghi các bản in (--print-shop, --booklet, --archive), không đưa lên "
                        "cổng thông tin; mặc định: <root>/in-an")
    s = sub.add_parser("serve", add_help=False,
                       help="xem trước khi viết: dựng, mở trang trên máy, tự dựng lại và tải lại "
                            "trang mỗi khi lưu bài")
    _common(s)
    s.add_argument("--out", type=Path, default=None, metavar="THƯ_MỤC",
                   help="thư mục xuất; mặc định: <root>/public")
    s.add_argument("--port", type=int, default=8000, metavar="CỔNG",
                   help="cổng HTTP; mặc định: 8000")
    s.add_argument("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ",
                   help="địa chỉ nghe; mặc định 127.0.0.1 (chỉ máy này xem được)")
    s.add_argument("--poll", action="store_true",
                   help="dò thay đổi bằng cách quét định kỳ (ổ mạng, thư mục chia sẻ)")
    s.add_argument("--drafts", action="store_true", help="xem cả bài nháp (draft: true)")
    s.add_argument("--no-pdf", action="store_true",
                   help="không in lại PDF của số đang sửa khi ngừng gõ")
    c = sub.add_parser("check", add_help=False, help="kiểm tra nội dung, không dựng gì")
    _common(c)
    c.add_argument("--drafts", action="store_true", help="kiểm tra cả bài nháp")
    c.add_argument("--strict", action="store_true",
                   help="coi cảnh báo là lỗi (mã thoát 1): kiểm tra lần cuối trước khi in")
    c.add_argument("--no-pdf", action="store_true", help="không kiểm tra phần in PDF")
    d = sub.add_parser("dedup", add_help=False,
                       help="tìm đoạn lặp: trong bài, giữa các bài cùng số, với các số trước")
    _common(d)
    d.add_argument("--json", action="store_true", help="in báo cáo dạng JSON cho máy đọc")
    d.add_argument("--fix", action="store_true",
                   help="xóa các đoạn lặp khỏi tệp Markdown nguồn (hiện phần thay đổi, hỏi trước)")
    d.add_argument("--yes", action="store_true", help="với --fix: sửa luôn, không hỏi lại")
    n = sub.add_parser("new", add_help=False, help="tạo bài mới với phần khai báo điền sẵn")
    _common(n)
    n.add_argument("title", metavar="TIÊU_ĐỀ", help="tiêu đề bài viết, đặt trong ngoặc kép")
    _article_options(n)
    i = sub.add_parser("import", add_help=False,
                       help="nhập tệp Word (.docx) hoặc văn bản (.txt, .md) thành bài")
    _common(i)
    i.add_argument("files", nargs="+", type=Path, metavar="TỆP",
                   help="các tệp .docx, .txt hoặc .md cần nhập")
    _article_options(i)
    parser.commands = dict(sub.choices)
    return parser


def _article_options(p: argparse.ArgumentParser) -> None:
    """Front-matter options shared by `new` and `import`."""
    p.add_argument("--issue", type=int, required=True, metavar="SỐ", help="số bản tin")
    p.add_argument("--year", type=int, default=None, metavar="NĂM",
                   help="năm; mặc định: năm của số bản tin đã có, hoặc năm nay")
    p.add_argument("--commune", default=None, metavar="XÃ", help="xã, phường gửi bài")
    p.add_argument("--section", default=None, metavar="CHUYÊN_MỤC", help="chuyên mục")
    p.add_argument("--editor", default=None, metavar="HỌ_TÊN", help="người tổng hợp")
    p.add_argument("--week", default=None, metavar="NGÀY/THÁNG-NGÀY/THÁNG",
                   help="tuần, ví dụ 25/5-29/5; mặc định: theo số đã có hoặc tuần này")
    if p.prog.endswith("import"):
        p.add_argument("--author", default=None, metavar="TÁC_GIẢ",
                       help="dòng tác giả; mặc định: lấy từ dòng ký tên cuối bài")


def _print_diagnostics(items: list[Diagnostic]) -> None:
    for d in items:
        print(d.format(), file=sys.stderr)


def _warnings(warnings: list[Diagnostic], verbose: bool) -> None:
    if not warnings:
        return
    if verbose or len(warnings) <= 10:
        _print_diagnostics(warnings)
    else:
        _print_diagnostics(warnings[:10])
        print(f"… và {len(warnings) - 10} cảnh báo khác (xem tất cả với -v)", file=sys.stderr)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_build(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    out = args.out.resolve() if args.out else root / "public"
    printing = PdfOptions(print_shop=args.print_shop, booklet=args.booklet,
                          archive=args.archive)
    if args.no_pdf and printing != PdfOptions():
        raise UsageError("--no-pdf không đi cùng --print-shop, --booklet hay --archive — "
                         "bỏ một trong hai")
    options = BuildOptions(root=root, out=out, drafts=args.drafts, pdf=not args.no_pdf,
                           use_cache=not args.no_cache, print_options=printing,
                           print_dir=args.print_dir.resolve() if args.print_dir else None)
    started = time.perf_counter()
    taken = uptodate.take(root) if options.use_cache else None
    summary = uptodate.unchanged(root, out, options, taken) if taken else None
    if summary is not None:
        for line in summary.said:
            _say(line)
        _say("Không có tệp nào thay đổi từ lần dựng trước: giữ nguyên thư mục xuất.")
    else:
        from .build import build
        from .dedup_site import format_finding

        result = build(options, say=_say, taken=taken)
        summary = uptodate.Summary([], result.warnings,
                                   [format_finding(f) for f in result.dedup.findings]
                                   if result.dedup else [],
                                   len(result.pages), len(result.site.issues))
    if args.verbose:
        for line in summary.findings:
            print(line, file=sys.stderr)
    _warnings(summary.warnings, args.verbose)
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    pdf = f", {format_count(summary.issues)} bản PDF" if options.pdf else ""
    print(f"Xong: {format_count(summary.pages)} trang web{pdf}, "
          f"{format_count(summary.issues)} số bản tin, vào {out} trong {seconds} giây.")
    # every issue has each print file asked for (made now, or unchanged and kept)
    prints = summary.issues * printing.variants if options.pdf else 0
    if prints:
        print(f"Bản in: {format_count(prints)} bản PDF vào {options.prints} (để in và lưu "
              "trữ, không đưa lên cổng thông tin).")
    return 0


def run_dedup_command(args: argparse.Namespace) -> int:
    if args.yes and not args.fix:
        raise UsageError("--yes chỉ dùng cùng --fix — viết: bantin dedup --fix --yes")
    return run_dedup(args.root.resolve(), json_output=args.json, fix=args.fix, yes=args.yes,
                     verbose=args.verbose)


def run_dedup(root: Path, *, json_output: bool, fix: bool, yes: bool, verbose: bool) -> int:
    """`bantin dedup`: print the findings (or JSON); with `fix`, rewrite the sources.

    Exit code 0 (also when --fix was declined). Content errors raise ContentError as in
    `check`.
    """
    from .content import load
    from .dedup_site import SHOW_FINDINGS, check_site, format_finding, summary_line

    site, _ = load(root, drafts=True)
    report = check_site(site)
    if json_output:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        shown = report.findings if verbose else report.findings[:SHOW_FINDINGS]
        for f in shown:
            print(format_finding(f))
        if len(shown) < len(report.findings):
            print(f"… và {format_count(len(report.findings) - len(shown))} phát hiện khác "
                  "(xem tất cả với -v)")
        print(summary_line(report, hint=False) if report.findings
              else f"Không có đoạn lặp trong {format_count(report.paragraphs)} đoạn.")
    if json_output or not report.findings:  # else the summary line carried them
        for notice in report.notices:
            print(notice, file=sys.stderr)
    if not fix:
        return 0
    from .dedup_fix import fix_sources

    return fix_sources(site, report, yes=yes, verbose=verbose,
                       out=sys.stderr if json_output else sys.stdout)


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve  # watchdog and the HTTP server load only for this command

    root = args.root.resolve()
    out = args.out.resolve() if args.out else root / "public"
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} không phải cổng hợp lệ — chọn số từ 1024 đến 65535")
    return serve(root, out, args.host, args.port, args.poll, drafts=args.drafts,
                 pdf=not args.no_pdf)


def run_check(args: argparse.Namespace) -> int:
    """Everything `build` would report (content, site.yml, photos, templates rendered,
    fonts, PDF names, repeats), writing nothing to the output."""
    from .build import Builder
    from .dedup_site import format_finding

    root = args.root.resolve()
    options = BuildOptions(root=root, out=root / "public", drafts=args.drafts,
                           pdf=not args.no_pdf)
    result = Builder(options, say=_say, record=False).dry_run()
    if args.verbose and result.dedup:
        for f in result.dedup.findings:
            print(format_finding(f), file=sys.stderr)
    _warnings(result.warnings, args.verbose)
    warnings = len(result.warnings)
    print(f"Nội dung hợp lệ: {format_count(len(result.site.articles))} bài, "
          f"{format_count(len(result.site.issues))} số bản tin"
          + (f", {format_count(warnings)} cảnh báo." if warnings else ", không có cảnh báo."))
    if args.strict and warnings:
        print(f"--strict: {format_count(warnings)} cảnh báo được tính là lỗi; sửa rồi chạy "
              "lại trước khi in.", file=sys.stderr)
        return 1
    return 0


def _this_week() -> str:
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    friday = monday + timedelta(days=4)
    return f"{monday.day}/{monday.month}-{friday.day}/{friday.month}"


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import new_article

    path = new_article(args.root.resolve(), title=args.title, issue=args.issue, year=args.year,
                       commune=args.commune, section=args.section, editor=args.editor,
                       week=args.week, default_week=_this_week())
    print(f"Đã tạo {path}")
    print("Bài mới là bài nháp (draft: true): chưa lên trang web, chưa vào bản PDF.\n"
          "  Xem trước: bantin serve --drafts (hoặc bantin build --drafts)\n"
          "  Đăng bài: viết xong thì xóa dòng draft: true ở phần khai báo đầu tệp.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from .importer import ImportOptions, plan_import, write_planned

    root = args.root.resolve()
    options = ImportOptions(root=root, issue=args.issue, year=args.year, week=args.week,
                            commune=args.commune, section=args.section, editor=args.editor,
                            author=args.author, default_week=_this_week())
    planned = plan_import([f.resolve() for f in args.files], options)
    print("Đã tạo:")
    written = write_planned(planned, lambda path: print(f"  {_shown(path, root)}"))
    for p in planned:
        for note in p.notes:
            print(f"{note.where}: {note.message}", file=sys.stderr)
    articles = {_shown(p.path, root) for p in planned}
    photos = len(written) - len(planned)
    if photos:
        print(f"  và {format_count(photos)} ảnh cạnh bài.")
    return _check_imported(root, articles, args.verbose)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _check_imported(root: Path, articles: set[str], verbose: bool) -> int:
    """`bantin check` and the repeat check, reported for the articles just written."""
    from .content import load
    from .dedup_site import check_site, format_finding

    print("Kiểm tra bài vừa nhập:")
    try:
        site, warnings = load(root, drafts=True)
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics)
        print(f"Có {len(exc.diagnostics)} lỗi cần sửa (tệp đã tạo vẫn giữ nguyên).",
              file=sys.stderr)
        return 1
    mine = [w for w in warnings if w.path in articles]
    _warnings(mine, verbose)
    report = check_site(site)
    found = [f for f in report.findings if f.file in articles]
    for f in found:
        print(format_finding(f))
    print(f"Không có lỗi; {len(mine)} cảnh báo, {len(found)} đoạn lặp"
          + (" (đoạn lặp tự bỏ khi dựng; bantin dedup --fix để xóa hẳn)." if found else "."))
    return 0


def _is_template_error(exc: BaseException) -> bool:
    """A Jinja error, or any error raised by code a template runs (a layout calling a
    method wrongly): the layout's fault, told at its file and line."""
    jinja2 = sys.modules.get("jinja2")  # loaded by whichever stage raised it
    if jinja2 is not None and isinstance(exc, jinja2.TemplateError):
        return True
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
            return True
        tb = tb.tb_next
    return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")  # build is the default command
    args = make_parser().parse_args(argv)
    try:
        if not args.root.is_dir():
            raise UsageError(f"không có thư mục {args.root} — kiểm tra lại --root")
        commands = {"build": run_build, "check": run_check, "dedup": run_dedup_command,
                    "new": run_new, "import": run_import, "serve": run_serve}
        return commands[args.command](args)
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics)
        _print_diagnostics(exc.warnings)
        n = len(exc.diagnostics)
        tail = ("chưa dựng gì, thư mục xuất cũ được giữ nguyên." if args.command == "build"
                else "hãy sửa rồi chạy lại.")
        print(f"Có {n} lỗi trong nội dung; {tail}", file=sys.stderr)
        return 1
    except BantinError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"lỗi: không đọc/ghi được{where} ({exc.strerror}) — kiểm tra quyền và dung lượng "
              "ổ đĩa; thư mục xuất cũ được giữ nguyên", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu; thư mục xuất cũ được giữ nguyên.", file=sys.stderr)
        return 130
    except Exception as exc:
        if _is_template_error(exc):
            from .theme import template_error_message

            where = template_error_message(exc, args.root.resolve())
            print(f"{where} — sửa mẫu trang trong layouts/ hoặc xóa tệp đó để dùng mẫu mặc "
                  "định", file=sys.stderr)
            return 1
        # A bug in bantin or a library, not in the user's content.
        if os.environ.get("BANTIN_DEBUG"):
            raise
        print(f"lỗi ngoài dự kiến của bantin ({type(exc).__name__}: {exc}); thư mục xuất cũ "
              "được giữ nguyên — chạy lại với biến môi trường BANTIN_DEBUG=1 để xem chi tiết "
              "và gửi kèm khi báo lỗi", file=sys.stderr)
        return 1


def console_main() -> NoReturn:
    """The `bantin` command. A build is one short process: it runs without the cyclic
    garbage collector (nothing it makes is freed before it ends anyway) and ends without
    tearing its heap down object by object (~0.2 s on a big archive)."""
    argv = sys.argv[1:]
    one_shot = not argv or argv[0] not in ("serve", "-h", "--help")
    if one_shot:
        gc.disable()
    code = main(argv)
    if not one_shot:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console_main()
