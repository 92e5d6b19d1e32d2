"""Speed as a user sees it: each command in a fresh process (cold), repeated, medians; the same work
in-process; and LibreOffice converting the same DOCX to PDF, where it is installed.

    python benchmarks/bench_speed.py [RUNS]        (default 5)

Each figure is the median wall time and, in brackets, the median CPU time (user + system) of the
process: on a shared, loaded machine the CPU time is the steadier of the two. The load average is
printed first: take figures when it is low.
"""
from __future__ import annotations

import compileall
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import generator
from generator import DEFAULT_CALL
from generator.commands.build import build
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call

FORMGEN = [str(Path(sys.executable).with_name("formgen"))]  # the command a user types, beside this Python
NEW_FOLDER = "new folder"  # builds into a folder of its own each run; the others into the full build's
COLD = {
    "formgen --help": ["--help"],
    "formgen check": ["check"],
    "formgen build (everything: 18 files, page, zip)": ["build"],
    "formgen build --form annex2 --lang ru --format pdf": ["build", "--form", "annex2", "--lang", "ru",
                                                           "--format", "pdf", "--no-site"],
    "formgen build --form annex2 --lang ru --format docx": ["build", "--form", "annex2", "--lang", "ru",
                                                            "--format", "docx", "--no-site"],
    "  the same pdf build into a new folder (no earlier files)": ["build", "--form", "annex2", "--lang", "ru",
                                                                   "--format", "pdf", "--no-site", NEW_FOLDER],
}


def median_of(runs: int, action) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `action`; CPU counts this process and the children it waited for."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def shown(times: tuple[float, float]) -> str:
    return f"{times[0] * 1000:7.0f} ms ({times[1] * 1000:5.0f} ms CPU)"


# What a command pays before it renders, in a fresh process once its modules are imported: the call
# and its font check, the definitions, both catalogs and their localizers.
LOAD = """
import time
from generator import DEFAULT_CALL
from generator.commands.build import localizers, printable_call
from generator.sources.definitions import load_forms
start = time.process_time()
localizers(printable_call(DEFAULT_CALL))
load_forms()
print(time.process_time() - start)
"""


def load_cost(runs: int) -> float:
    """Median CPU seconds of the load, each in a new process."""
    return statistics.median(float(subprocess.run([sys.executable, "-c", LOAD], check=True, capture_output=True,
                                                  text=True).stdout) for _ in range(runs))


def cold(runs: int, args: list[str], out: Path) -> tuple[float, float]:
    """A build writes into `out`, where the first one writes everything: a partial build there checks
    the files it keeps (a build of some forms keeps the others); with NEW_FOLDER, into a new folder."""
    folders = (out.with_name(f"{out.name}-{run}") for run in range(runs)) if NEW_FOLDER in args else None

    def run() -> None:
        extra = ["--out", str(next(folders) if folders else out)] if args[0] == "build" else []
        subprocess.run([*FORMGEN, *(a for a in args if a != NEW_FOLDER), *extra], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return median_of(runs, run)


def libreoffice(runs: int, docx: list[Path], out: Path) -> tuple[float, float] | None:
    """One `soffice --convert-to pdf` of the given files, cold, as a build would have to run it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    profile = out / "lo-profile"  # its own profile, made once before timing, as a user's exists
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out / "lo"), *map(str, docx)]
    subprocess.run(command, check=True, capture_output=True)
    return median_of(runs, lambda: subprocess.run(command, check=True, capture_output=True))


READS = 100  # calls a sample: one read takes about a millisecond


def read_back(documents, runs: int) -> None:
    """What `collect` pays for a returned DOCX with every field filled: the whole read, and of it the
    controls read from the body's bytes (a form whose controls the process has seen, as from the
    second file of a batch on; and the first of its form), against lxml parsing the body and walking
    its controls, which is what every file cost before and what a file outside the quick subset costs."""
    from generator.formats.docx import ooxml, read as readback
    from generator.formats.docx.write import fill_docx

    for document in documents:
        if document.lang != "ky" or document.form_id not in ("annex2", "interest_letter"):
            continue
        data = fill_docx(render_bytes(document, "docx"), every_field_filled(document))
        xml = zipfile.ZipFile(io.BytesIO(data)).read(readback.DOCUMENT_PART)

        def first_of_its_form():
            ooxml._control_properties.cache_clear()
            ooxml.quick_control_readings(xml)

        ways = {"read back (read_docx_controls), whole": lambda: readback.read_docx_controls(io.BytesIO(data)),
                "  controls from the bytes": lambda: ooxml.quick_control_readings(xml),
                "  controls from the bytes, first file of its form": first_of_its_form,
                "  lxml: parse the body and walk its controls (before)": lambda: [
                    ooxml.control_reading(sdt) for sdt in ooxml.iter_controls(readback._parsed(xml, ""))]}
        print(f"  ky/{document.form_id}.docx, every field filled ({len(xml) // 1000} KB body):")
        for label, action in ways.items():
            action()
            wall, cpu = median_of(runs, lambda: [action() for _ in range(READS)])
            print(f"    {label:<54} {wall / READS * 1000:7.2f} ms ({cpu / READS * 1000:5.2f} ms CPU)")


def every_field_filled(document) -> dict[str, str]:
    """Kyrgyz text in every field; two lines in each multi-line one."""
    by_kind = {"date": "03.04.2025", "yesno": "yes", "multiline": "ҢңӨөҮү\nэкинчи сап"}
    return {field.id: field.choices[-1] if field.choices else by_kind.get(field.kind, f"Ңөү {field.id}")
            for field in document.fields()}


def main(runs: int) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; medians of {runs} runs")
    # an installed copy has its bytecode (pip compiles it): without it every run would compile the sources
    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        print("cold (a new process each run):")
        cold_times = {label: cold(runs, args, out / "cold") for label, args in COLD.items()}
        for label, times in cold_times.items():
            print(f"  {label:<56} {shown(times)}")
        one = cold_times["formgen build --form annex2 --lang ru --format pdf"]
        print(f"  {'load before rendering (call, font check, forms, catalogs)':<56} "
              f"{load_cost(runs) * 1000:7.0f} ms CPU, imports done")
        documents = localized_documents(load_call(DEFAULT_CALL), ["ru", "ky", "ru+ky"])
        print("in-process (after a warm-up):")
        for document in documents:
            if document.form_id == "annex2":
                for fmt in ("docx", "pdf"):
                    render_bytes(document, fmt)
                    times = median_of(max(runs, 10), lambda: render_bytes(document, fmt))
                    print(f"  {document.lang + '/annex2.' + fmt:<56} {shown(times)}")
                    if document.lang == "ru" and fmt == "pdf":
                        print(f"  {'fixed cost of a build (cold ru/annex2.pdf minus its render)':<56} "
                              f"{shown((one[0] - times[0], one[1] - times[1]))}")
        build(DEFAULT_CALL, out / "warm")
        times = median_of(runs, lambda: build(DEFAULT_CALL, out / "warm"))
        print(f"  {'build of everything':<56} {shown(times)}")
        read_back(documents, max(runs, 10))
        docx = sorted((out / "cold" / load_call(DEFAULT_CALL).id).glob("*/*.docx"))
        converted = libreoffice(runs, docx, out)
        full = cold_times["formgen build (everything: 18 files, page, zip)"]
        if converted is None:
            print("LibreOffice: not installed (apt-get install libreoffice-writer), no comparison")
        else:
            print(f"LibreOffice converting the same {len(docx)} DOCX to PDF: {shown(converted)}: "
                  f"{converted[0] / full[0]:.1f}× (CPU {converted[1] / full[1]:.1f}×) the cold `formgen build` "
                  "of everything")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
