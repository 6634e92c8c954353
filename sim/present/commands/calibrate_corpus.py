"""``python run.py calibrate calibration/corpus.yaml``: the behavioural constants from
every truce of the corpus (``sim.calibration.corpus``), the posterior written, and the
report: leave-one-truce-out cross-validation against the base rate and the regression,
what narrows and what does not, the reference's 7-day survival before and after.

Every task's outcomes are stored under ``<out>/.work/corpus-<fingerprint>/`` as they
finish, so the same command resumes an interrupted search and, once it is complete,
writes the same posterior and report again without simulating.
"""

from __future__ import annotations

import time
from pathlib import Path

from sim.calibration.corpus import posterior_of, search
from sim.calibration.corpus_spec import load_corpus_calibration
from sim.calibration.posterior import write_posterior
from sim.present.charts.backend import files_backend
from sim.present.cross_validation import cross_validated
from sim.present.wording.corpus_calibration import write_report
from sim.run.executors import make_executor
from sim.run.provenance import package_versions
from sim.scenario.loading import ScenarioError


def run(args, argv) -> int:
    cal = load_corpus_calibration(args.file)
    s = cal.search
    out = args.out or cal.path.parent / cal.path.stem
    work = out / ".work" / f"corpus-{cal.fingerprint}"
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(out, "--out", f"a folder that can be written ({exc})") from None
    log = (lambda _: None) if args.quiet else (lambda m: print(m, flush=True))
    if not args.quiet:
        print(f"{s.rounds} round(s) of {s.particles} particles x {s.replications} "
              f"replications x {len(cal.corpus)} truces and the reference, on "
              f"{args.workers} worker(s); stored tasks are reused ({work})", flush=True)
    started = time.perf_counter()
    with make_executor(workers=args.workers) as executor:
        found = search(cal, executor, work, log)
    posterior, picks = posterior_of(cal, found)
    manifest = {
        "kind": "posterior", "calibration_file": str(args.file),
        "fingerprint": cal.fingerprint, "seed": s.seed, "forms": cal.forms,
        "replications": s.replications, "draws": posterior.size,
        "search": {"method": "adaptive multiple importance sampling of the corpus "
                             "likelihood, emulated across the particles "
                             "(sim/calibration/corpus.py, sim/calibration/emulator.py)",
                   "rounds": s.rounds, "particles": len(found.z), "steered": s.steered,
                   "effective_sample_size": round(found.effective_size(), 2),
                   "effective_without": {t: round(found.effective_size(k), 2)
                                         for k, t in enumerate(found.truces)},
                   "distinct_particles_drawn": int(len(set(picks.tolist())))},
        "truces": list(found.truces), "fixed": cal.fixed, "inert": list(cal.inert),
        "seconds": round(time.perf_counter() - started, 1), "workers": args.workers,
        "tasks": {"in_all": found.tasks, "simulated_by_this_command": found.simulated,
                  "read_back_from_the_store": found.tasks - found.simulated},
        "command": "python run.py calibrate " + " ".join(argv),
        "versions": package_versions(),
    }
    posterior_file = out / "posterior.csv"
    write_posterior(posterior_file, posterior, manifest)
    log(f"posterior: {posterior.size} draws ({manifest['search']['distinct_particles_drawn']}"
        f" distinct particles; effective sample {found.effective_size():.1f}) -> "
        f"{posterior_file}")
    files_backend()
    report = write_report(cal, found, cross_validated(cal, found),
                          cross_validated(cal, found, out_of_sample=False), manifest,
                          Path(out) / "report")
    log(f"report: {report}")
    return 0
