"""The main job: ``python run.py SCENARIO.yaml`` runs its replications and writes a report.

Presentation layer: parses arguments, calls the experiment and analysis
layers, prints the summary and writes tables, charts and ``summary.md``.
Bad input prints one clear line and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

from sim.loading import ScenarioError, load_scenario, parse_value
from sim.parameters import parameter_table

DEFAULT_REPLICATIONS = 2000
DEFAULT_SEED = 20160912   # the day the Kerry–Lavrov truce began
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py",
        description="Simulate a ceasefire scenario over many replications and report when "
                    "and why the truce survives or collapses.")
    p.add_argument("scenario", nargs="?", help="scenario file (YAML), e.g. "
                   "scenarios/kerry_lavrov.yaml")
    p.add_argument("-r", "--replications", type=int, default=DEFAULT_REPLICATIONS,
                   help=f"independent replications (default {DEFAULT_REPLICATIONS})")
    p.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED,
                   help=f"root seed; same seed and replications, same results "
                        f"(default {DEFAULT_SEED})")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: output/<scenario>-<fingerprint>, named "
                        "after the scenario, its overrides, seed and replications)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="PATH=VALUE", help="override a parameter by dotted path, e.g. "
                   "--set mechanisms.penalties.strength=2 (repeatable)")
    p.add_argument("--no-charts", action="store_true", help="write tables and summary only")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--describe", action="store_true",
                   help="list every scenario parameter with its unit, range and default")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.describe:
        print(parameter_table())
        return 0
    if args.scenario is None:
        return _fail("no scenario file given (try: python run.py scenarios/kerry_lavrov.yaml)")
    if args.replications < 1:
        return _fail(f"--replications must be at least 1 (got {args.replications})")
    if args.seed < 0:
        return _fail(f"--seed must be a non-negative integer (got {args.seed})")
    try:
        overrides = _parse_overrides(args.overrides)
        scenario = load_scenario(args.scenario, overrides)
    except ScenarioError as exc:
        return _fail(str(exc))

    resolved = scenario.model_dump(mode="json")
    fingerprint = hashlib.sha256(json.dumps(
        [resolved, args.seed, args.replications], sort_keys=True).encode()).hexdigest()[:8]
    out = args.out or Path("output") / f"{Path(args.scenario).stem}-{fingerprint}"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"{out}: cannot create the output folder ({exc.strerror})")

    # The model's stack (Mesa, numpy, pandas) loads only once the input is known good,
    # so bad input is refused at once.
    from sim.analysis import summarize
    from sim.experiment import BLOCK, run_scenario

    started = time.perf_counter()
    with _progress(args.replications, args.quiet, BLOCK) as advance:
        results = run_scenario(scenario, args.replications, args.seed, progress=advance)
    elapsed = time.perf_counter() - started
    summary = summarize(results)

    tables = _write_tables(results, out)
    manifest = {
        "scenario_file": str(args.scenario), "overrides": overrides, "seed": args.seed,
        "replications": args.replications, "block_size": BLOCK, "fingerprint": fingerprint,
        "seconds": round(elapsed, 3), "versions": _versions(), "scenario": resolved,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    charts = {}
    if not args.no_charts:
        from sim.charts import all_charts  # matplotlib only when charts are wanted
        charts = all_charts(results, summary, out)
    from sim.report import summary_lines, write_markdown
    command = "python run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report = write_markdown(summary, charts, tables, out, command)

    print(f"{summary.scenario} — {args.replications} replications, seed {args.seed}, "
          f"{elapsed:.1f} s")
    for line in summary_lines(summary):
        print(line)
    print(f"Wrote {out}/ ({report.name}, {len(tables)} tables, {len(charts)} charts)")
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _parse_overrides(items: list[str]) -> dict:
    overrides = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise ScenarioError("command line", "--set", f"expected PATH=VALUE, got {item!r}")
        overrides[path.strip()] = parse_value(value)
    return overrides


def _write_tables(results, out: Path) -> list[Path]:
    written = []
    for name, frame in (("replications", results.replication_table()),
                        ("daily", results.daily_table())):
        for suffix in ("csv", "parquet"):
            path = out / f"{name}.{suffix}"
            if suffix == "csv":
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
            written.append(path)
    return written


class _progress:
    """A tqdm bar over replications, for runs of more than one block."""

    def __init__(self, total: int, quiet: bool, block: int):
        self.total, self.quiet, self.block, self.bar = total, quiet, block, None

    def __enter__(self):
        if not self.quiet and self.total > self.block:
            from tqdm import tqdm
            self.bar = tqdm(total=self.total, unit="rep", file=sys.stderr, leave=False)
        return self.bar.update if self.bar else None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.close()
        return False


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for pkg in ("ceasefire-sim", "mesa", "numpy", "pandas", "pydantic"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "unknown"
    return versions
