"""The command line: `python build_site.py check|build|schema|serve`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .pipeline import BuildFailed, Layout, build, check
from .problems import Problems

REPO = Path(__file__).resolve().parent.parent


def _report(problems: Problems) -> None:
    """Print every problem, one line each, on stderr; then how many there are.

    Each line is made safe to print by `Problem` itself (escaped control, bidi and invisible
    characters; GitHub's escapes in annotations). The lines are written in blocks, not one
    write per problem, so a file with a hundred thousand problems is reported in a moment.
    """
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    block: list[str] = []
    for problem in problems:
        block.append(problem.github_annotation() if annotate else str(problem))
        if len(block) == 4096:
            sys.stderr.write("\n".join(block) + "\n")
            block.clear()
    if block:
        sys.stderr.write("\n".join(block) + "\n")
    count = problems.unique_count()
    sys.stderr.write(f"{count} problem{'s' if count != 1 else ''} found; nothing was built.\n")
    sys.stderr.flush()


def _check(layout: Layout, sources: Path | None, skip_missing_texts: bool = False, published: str | None = "HEAD"):
    knowledge, problems = check(layout, sources, skip_missing_texts, published=published)
    if problems:
        _report(problems)
    return knowledge


def command_check(args, layout: Layout) -> int:
    knowledge = _check(layout, args.sources, args.skip_missing_texts, args.published)
    if knowledge is None:
        return 1
    if args.sources and args.skip_missing_texts:
        present = sorted(s.id for s in knowledge.sources.values() if (args.sources / s.text_file).exists())
        quotes = f"quotes verified for {', '.join(present) or 'no document'} (others have no text)"
    else:
        quotes = "all quotes found in the source texts" if args.sources else "quotes not verified (no --sources)"
    print(f"OK: {len(knowledge.facts)} facts, {len(knowledge.countries_with_facts)} countries, "
          f"{len(knowledge.metrics)} metrics; {quotes}.")
    return 0


def _os_error(error: OSError, doing: str, layout: Layout) -> str:
    from .pipeline import os_error_message

    return os_error_message(error, doing, Path(error.filename) if error.filename else None, layout.root)


def command_build(args, layout: Layout) -> int:
    from .build_lock import build_lock
    from .pipeline import clear_leftovers
    from .processes import Interrupted

    if args.zim and not args.bundle:
        print("--zim needs --bundle (or use the bundle command).", file=sys.stderr)
        return 2
    try:
        with build_lock(layout.root):  # another build of this checkout finishes first
            clear_leftovers(layout)  # e.g. put back a site/ that a killed build had moved aside
            knowledge = _check(layout, args.sources, args.skip_missing_texts)
            if knowledge is None:
                return 1
            if args.bundle:
                from .bundle import offline_build

                build(layout, knowledge, offline_build(layout))
            else:
                build(layout, knowledge)
            print(f"Built {layout.site} from {len(knowledge.facts)} facts.")
            if args.bundle:  # with the lock still held, like the bundle command
                return _write_bundle_files(args, layout)
    except BuildFailed as error:
        print(f"{error}\nThe previous site/ was left as it was.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{_os_error(error, 'preparing the build at', layout)}\nThe previous site/ was left as it was.",
              file=sys.stderr)
        return 1
    except Interrupted as stop:
        left = "site/ already holds the new build" if stop.published else "the previous site/ was left as it was"
        print(f"Build stopped by {stop.name}; {left}.", file=sys.stderr)
        return stop.exit_code
    return 0


def _write_bundle_files(args, layout: Layout) -> int:
    """The zip (and ZIM) of the offline site that `build --bundle` has just published."""
    from .bundle import offline_site_folder, zip_bundle
    from .processes import Interrupted
    from .version import content_version

    version = content_version(layout.root)
    try:
        site = offline_site_folder(layout)
        _wrote_bundle(layout, zip_bundle(site, version, layout.root / "dist"), site, version, args.zim)
    except OSError as error:
        print(f"{_os_error(error, 'writing the bundle at', layout)}\nsite/ holds the new build.", file=sys.stderr)
        return 1
    except Interrupted as stop:
        print(f"Bundle stopped by {stop.name}; site/ holds the new build; files being written were removed.",
              file=sys.stderr)
        return stop.exit_code
    return 0


def _wrote_bundle(layout: Layout, archive: Path, site: Path, version, zim: bool) -> None:
    """Say which zip was written; with `zim`, write the ZIM file beside it and say so too."""
    print(f"Wrote {archive.relative_to(layout.root)} ({archive.stat().st_size / 1e6:.1f} MB); {version.label}.")
    if zim:
        from .zim import write_zim

        written = write_zim(site, archive.with_suffix(".zim"), version)
        print(f"Wrote {written.relative_to(layout.root)} ({written.stat().st_size / 1e6:.1f} MB).")


def command_bundle(args, layout: Layout) -> int:
    from .build_lock import build_lock
    from .bundle import build_bundle, write_offline_docs
    from .processes import Interrupted
    from .version import content_version

    try:
        with build_lock(layout.root):  # builds and bundles of this checkout take turns
            knowledge = _check(layout, args.sources, args.skip_missing_texts)
            if knowledge is None:
                return 1
            version = content_version(layout.root)
            try:
                write_offline_docs(layout, knowledge)
                archive, site = build_bundle(layout, version, layout.root / "dist")
            except BuildFailed as error:
                print(f"{error}\nNo bundle was written.", file=sys.stderr)
                return 1
            _wrote_bundle(layout, archive, site, version, args.zim)
    except OSError as error:
        print(_os_error(error, "writing the bundle at", layout), file=sys.stderr)
        return 1
    except Interrupted as stop:
        print(f"Bundle stopped by {stop.name}; files being written were removed.", file=sys.stderr)
        return stop.exit_code
    return 0


def command_diff(args, layout: Layout) -> int:
    from .content_diff import DiffFailed, diff_against, to_markdown

    try:
        diff = diff_against(layout.root, args.base)
    except DiffFailed as error:
        print(error, file=sys.stderr)
        return 1
    print(to_markdown(diff, args.base), end="")
    return 0


def command_fetch_sources(args, layout: Layout) -> int:
    from .load import load_content
    from .problems import Problems
    from .source_texts import fetch_source_texts

    problems = Problems()
    loaded = load_content(layout.content, layout.root, problems)
    if "sources" not in loaded.reference:
        _report(problems)
        return 1
    ready, unavailable = fetch_source_texts(list(loaded.reference["sources"].value.sources), args.folder)
    for line in ready:
        print(f"ready: {line}")
    for line in unavailable:
        print(f"unavailable: {line}", file=sys.stderr)
    return 0 if not unavailable or args.allow_missing else 1


def command_coverage(args, layout: Layout) -> int:
    """The document's numbered paragraphs that no fact cites yet (and, with --all, the others)."""
    from .coverage import report
    from .problems import terminal_safe

    knowledge = _check(layout, None)
    if knowledge is None:
        return 1
    if args.source not in knowledge.sources:
        print(f"unknown source '{terminal_safe(args.source)}'; sources: {', '.join(knowledge.sources)}", file=sys.stderr)
        return 1
    text_file = _text_folder(args, layout) / knowledge.sources[args.source].text_file
    if not text_file.is_file():
        print(f"the text of {args.source} is not at {terminal_safe(str(text_file))}; pass --sources DIR "
              "(or fetch it with `build_site.py fetch-sources DIR`)", file=sys.stderr)
        return 1
    text = text_file.read_text(encoding="utf-8", errors="replace")
    for line in report(knowledge, args.source, text, text_file.name, args.all).splitlines():
        print(terminal_safe(line))  # the previews are the document's text: shown, never obeyed
    return 0


def _text_folder(args, layout: Layout) -> Path:
    """Where the source texts are: --sources, else IOM_SOURCES, else ../shared/seeds."""
    return args.sources or Path(os.environ.get("IOM_SOURCES", layout.root.parent / "shared" / "seeds"))


def _reference_files(layout: Layout):
    """sources.yml, countries.yml and pillars.yml, read without the facts (which may be mid-edit),
    or None after reporting why they cannot be read."""
    from .load import load_content

    problems = Problems()
    loaded = load_content(layout.content, layout.root, problems)
    if any(name not in loaded.reference for name in ("sources", "countries", "pillars")):
        _report(problems)
        return None
    return (loaded.reference["sources"].value, loaded.reference["countries"].value, loaded.reference["pillars"].value)


def command_propose(args, layout: Layout) -> int:
    """Candidate facts from a document's text, written to proposals/<source>.yml (never content/)."""
    from .problems import terminal_safe
    from .propose import Proposer, to_yaml

    reference = _reference_files(layout)
    if reference is None:
        return 1
    sources, countries, pillars = reference
    source = next((item for item in sources.sources if item.id == args.source), None)
    if source is None:
        print(f"unknown source '{terminal_safe(args.source)}'; sources: {', '.join(item.id for item in sources.sources)}",
              file=sys.stderr)
        return 1
    text_file = _text_folder(args, layout) / source.text_file
    if not text_file.is_file():
        print(f"the text of {source.id} is not at {terminal_safe(str(text_file))}; pass --sources DIR "
              "(or fetch it with `build_site.py fetch-sources DIR`)", file=sys.stderr)
        return 1
    out = (args.out or layout.root / "proposals").resolve()
    if out == layout.content.resolve() or layout.content.resolve() in out.parents:
        print("proposals are never written into content/: choose another --out folder", file=sys.stderr)
        return 1
    text = text_file.read_text(encoding="utf-8", errors="replace")
    document, proposals = Proposer(source, countries.countries, countries.regions, pillars.pillars).propose(text)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{source.id}.yml"
    target.write_text(to_yaml(proposals, source, text_file.name), encoding="utf-8")
    places = len({(proposal.paragraph, proposal.section) for proposal in proposals})
    cited = "numbered paragraphs" if document.numbered else "sections"
    print(terminal_safe(f"Wrote {target}: {len(proposals)} proposed facts from {places} places of {source.id} "
                        f"({len(document.units)} paragraphs and sections; cited by {cited})."))
    return 0


def command_locate(args, layout: Layout) -> int:
    """Which document, paragraph or section and line of the text some words are in."""
    from .document_units import split_document
    from .locate import NormalizedText, SourceDocument, locate, near_miss
    from .problems import terminal_safe

    reference = _reference_files(layout)
    if reference is None:
        return 1
    sources, countries, _ = reference
    words = " ".join(args.words)
    folder = _text_folder(args, layout)
    searched = []
    for source in sources.sources:
        text_file = folder / source.text_file
        if not text_file.is_file():
            print(terminal_safe(f"{source.id}: no text at {text_file} (not searched)"), file=sys.stderr)
            continue
        text = text_file.read_text(encoding="utf-8", errors="replace")
        document = split_document(text, [region.name for region in countries.regions])
        searched.append((SourceDocument(source.id, text_file.name, text, document), NormalizedText(text)))
    hits = locate(words, searched)
    for hit in hits:
        under = f' (under "{hit.heading}")' if hit.heading else ""
        print(terminal_safe(f"{hit.source.text_name}:{hit.line}: {hit.source.id}, {hit.place}{under}"))
    if hits:
        return 0
    print(f"not found in {len(searched)} source text(s), comparing letters and digits only", file=sys.stderr)
    miss = near_miss(words, searched)
    if miss is not None:
        hit = miss.hit
        print(terminal_safe(f"closest: the first {miss.matched_words} of {miss.total_words} words are at "
                            f"{hit.source.text_name}:{hit.line}: {hit.source.id}, {hit.place}; "
                            f"there the text goes on: \"{miss.goes_on}\""), file=sys.stderr)
    return 1


def command_schema(args, layout: Layout) -> int:
    from .schemas import write_schemas

    for path in write_schemas(layout.root / "schemas"):
        print(f"wrote {path.relative_to(layout.root)}")
    return 0


def command_serve(args, layout: Layout) -> int:
    from .serve import serve

    return serve(layout, args.sources, args.address)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_site.py", description=(
        "Check the YAML content and build the IOM annual reports knowledge site."))
    parser.add_argument("--root", type=Path, default=REPO, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("check", "validate content/ and report every problem as file:line:col"),
                           ("build", "check, then generate the pages and build site/ with mkdocs --strict"),
                           ("serve", "live preview: rebuild when content/ or templates/ change"),
                           ("bundle", "build the offline zip for field offices into dist/")):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--sources", type=Path, default=None,
                         help="folder with the source texts; every quote must be found in them")
        sub.add_argument("--skip-missing-texts", action="store_true",
                         help="with --sources: verify quotes only for documents whose text is in the folder")
        if name == "check":
            sub.add_argument("--published", default="HEAD", metavar="REV",
                             help="fact ids at this git revision must still exist, as ids or aliases "
                                  "(default HEAD; CI passes the pull request's base branch)")
        if name == "serve":
            sub.add_argument("--address", default="127.0.0.1:8000")
        if name == "build":
            sub.add_argument("--bundle", action="store_true",
                             help="also build the offline zip into dist/, its MkDocs run beside the website's")
        if name in ("build", "bundle"):
            sub.add_argument("--zim", action="store_true", help="also write a ZIM file for the Kiwix reader"
                             + (" (with --bundle)" if name == "build" else ""))
    commands.add_parser("schema", help="regenerate the JSON Schemas in schemas/ from the model")
    fetch = commands.add_parser("fetch-sources", help="download the source PDFs and extract their text into a folder")
    fetch.add_argument("folder", type=Path)
    fetch.add_argument("--allow-missing", action="store_true",
                       help="exit 0 even if some documents have no URL or cannot be fetched")
    coverage = commands.add_parser("coverage", help="a source's numbered paragraphs that no fact cites yet")
    coverage.add_argument("source", help="a source id from content/sources.yml, e.g. ar-2018")
    coverage.add_argument("--sources", type=Path, default=None,
                          help="folder with the source texts (default: IOM_SOURCES or ../shared/seeds)")
    coverage.add_argument("--all", action="store_true", help="also list the paragraphs that facts cite")
    propose = commands.add_parser("propose", help="candidate facts from a source's text, into proposals/<source>.yml")
    propose.add_argument("source", help="a source id from content/sources.yml, e.g. ar-2018")
    propose.add_argument("--sources", type=Path, default=None,
                         help="folder with the source texts (default: IOM_SOURCES or ../shared/seeds)")
    propose.add_argument("--out", type=Path, default=None, help="folder for the proposals file (default: proposals/)")
    locate = commands.add_parser("locate", help="which document, paragraph or section and line some words are in")
    locate.add_argument("words", nargs="+", help="the words, as copied from the document")
    locate.add_argument("--sources", type=Path, default=None,
                        help="folder with the source texts (default: IOM_SOURCES or ../shared/seeds)")
    diff = commands.add_parser("diff", help="facts added, changed and removed since a git revision, as Markdown")
    diff.add_argument("base", help="a git revision, e.g. origin/main")
    args = parser.parse_args(argv)
    layout = Layout(args.root.resolve())
    handler = {"check": command_check, "build": command_build, "schema": command_schema,
               "serve": command_serve, "bundle": command_bundle, "diff": command_diff, "coverage": command_coverage,
               "fetch-sources": command_fetch_sources, "propose": command_propose, "locate": command_locate}[args.command]
    from .processes import Interrupted, stop_handlers

    # SIGINT (Ctrl-C) and SIGTERM become `Interrupted`: children are stopped, temporary
    # folders removed, and the command exits with one line instead of a traceback.
    with stop_handlers():
        try:
            return handler(args, layout)
        except Interrupted as stop:
            print(f"Stopped by {stop.name}.", file=sys.stderr)
            return stop.exit_code
