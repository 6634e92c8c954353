"""Every output of the main commands, fingerprinted: a guard for changes meant to keep
behaviour byte-identical (a refactoring).

    uv run python tests/baseline/outputs.py            # refresh outputs.json, on purpose
    uv run python tests/baseline/outputs.py --check    # compare (what the slow test does)

Runs, as a user would, the main job (default replications, its counterfactuals and the
story of its typical run), a grid sweep, a Latin-hypercube sweep with its scenario
discovery, a comparison and the calibration report (from the shipped posterior), each
into a fresh folder; then records the SHA-256 of every file they wrote. A manifest's
run time (``seconds``), the folder it was written to and the folder the repository was
cloned into are the only things taken out before hashing: they differ from run to run, and
from clone to clone, by nature. A run's ``fingerprint`` (the hash that names its default
output folder) hashes the paths of its files, so it too is taken out; everything it hashes
is in the manifest beside it, and is compared. A Parquet file is compared by its schema and
its rows, with the same paths taken out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STORED = HERE / "outputs.json"

#: name -> the command line after ``python run.py`` (``{out}``: its output folder)
COMMANDS = {
    "main": ["scenarios/kerry_lavrov.yaml", "--story", "typical", "-o", "{out}"],
    "sweep": ["scenarios/sweeps/patron_leverage.yaml", "-r", "40", "-o", "{out}"],
    "lhs": ["scenarios/sweeps/main_mechanisms_lhs.yaml", "-r", "10", "-o", "{out}"],
    "compare": ["compare", "scenarios/kerry_lavrov.yaml",
                "scenarios/counterfactuals/with_penalties.yaml",
                "scenarios/counterfactuals/no_spoilers.yaml", "-r", "500", "-o", "{out}"],
    "calibration": ["calibrate", "calibration/calibration.yaml", "--report-only", "-q",
                    "-o", "{out}"],
}


def _placeless(text: str, out: Path) -> str:
    return text.replace(str(out), "<OUT>").replace(str(ROOT), "<ROOT>")


def _normalised(path: Path, out: Path) -> bytes:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        table = pq.read_table(path)
        rows = table.to_pandas().to_csv(index=False, float_format=repr)
        return _placeless(f"{table.schema}\n{rows}", out).encode("utf-8")
    data = path.read_bytes()
    if path.suffix in (".json", ".md", ".csv", ".txt", ".html"):
        text = _placeless(data.decode("utf-8"), out)
        if path.suffix == ".json":
            text = re.sub(r'"seconds": [0-9.eE+-]+', '"seconds": 0', text)
            text = re.sub(r'"fingerprint": "[0-9a-f]+"', '"fingerprint": "<FP>"', text)
        data = text.encode("utf-8")
    return data


def fingerprints(workdir: Path) -> dict[str, dict[str, str]]:
    """Run every command into ``workdir/<name>`` and hash what each wrote."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    found: dict[str, dict[str, str]] = {}
    for name, words in COMMANDS.items():
        out = workdir / name
        if name == "calibration":    # the report is redone beside a copy of the posterior
            out.mkdir(parents=True)
            for f in ("posterior.csv", "posterior.json"):
                shutil.copy(ROOT / "calibration" / f, out / f)
        argv = [w.replace("{out}", str(out)) for w in words]
        done = subprocess.run([sys.executable, str(ROOT / "run.py"), *argv], cwd=ROOT,
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}")
        found[name] = {str(p.relative_to(out)): hashlib.sha256(_normalised(p, out)).hexdigest()
                       for p in sorted(out.rglob("*")) if p.is_file()
                       and ".work" not in p.relative_to(out).parts}
    return found


def differences(now: dict, stored: dict) -> list[str]:
    lines = []
    for name in sorted(set(now) | set(stored)):
        a, b = now.get(name, {}), stored.get(name, {})
        for f in sorted(set(a) | set(b)):
            if a.get(f) != b.get(f):
                lines.append(f"{name}/{f}: " + ("missing now" if f not in a else
                                                  "new" if f not in b else "changed"))
    return lines


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        now = fingerprints(Path(tmp))
    if "--check" in sys.argv:
        diff = differences(now, json.loads(STORED.read_text(encoding="utf-8")))
        print("\n".join(diff) or "every output byte-identical to the baseline")
        return 1 if diff else 0
    STORED.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {STORED}: {sum(map(len, now.values()))} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
