"""The nbgrader course: its layout, the student notebooks it generates, the class it collects.

nbgrader wants ``source/<assignment>/<notebook>.ipynb``; this repository keeps the source
notebooks flat, beside the reference modules (``solutions/hwNN_<name>.ipynb``). Each
problem is one nbgrader assignment named after its module, holding one notebook of the
same name, so nbgrader's export gives the written points per problem directly::

    COURSE/nbgrader_config.py                              (grader/notebooks/nbgrader_config.py)
    COURSE/source/hw09_resnet/hw09_resnet.ipynb            (solutions/hw09_resnet.ipynb)
    COURSE/release/hw09_resnet/hw09_resnet.ipynb           (nbgrader generate_assignment -> assignments/)
    COURSE/submitted/<student>/hw09_resnet/hw09_resnet.ipynb   (collect: a class folder or a roster)

nbgrader runs in this process (its command-line start-up costs seconds per command).
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grader.batch import roster
from grader.batch.grading import locate_modules

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("nbgrader_config.py")
COURSE_ID = "nn-homework"
NOTEBOOK_GLOB = "hw[0-9][0-9]_*.ipynb"


class CourseError(RuntimeError):
    pass


def put_alembic_on_path() -> None:
    """Put the ``alembic`` installed with this Python on PATH if PATH does not find one.

    nbgrader 0.9 runs ``alembic`` by name when it creates its database, which fails
    when the environment's ``bin/`` is not on PATH (a virtual environment's Python or
    ``nbgrader`` run by full path without activating it, a ``pip install --user``).
    """
    if shutil.which("alembic"):
        return
    places = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    places += [Path(sysconfig.get_path("scripts", scheme)) for scheme in sysconfig.get_scheme_names()
               if scheme.endswith("_user") and scheme.startswith(os.name)]
    for place in places:
        if shutil.which("alembic", path=str(place)):
            os.environ["PATH"] = os.pathsep.join([str(place), os.environ.get("PATH", "")])
            return


def source_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "solutions").glob(NOTEBOOK_GLOB))


def lay_out(course: Path, root: Path = ROOT) -> list[str]:
    """Create (or refresh) the course folder: its config and source notebooks. Returns the assignments."""
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONFIG, course / "nbgrader_config.py")
    names = []
    for notebook in source_notebooks(root):
        folder = course / "source" / notebook.stem
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, folder / notebook.name)
        names.append(notebook.stem)
    return names


def load_config(course: Path) -> Config:
    config = PyFileConfigLoader(CONFIG.name, path=str(course)).load_config()
    config.CourseDirectory.root = str(course.resolve())
    return config


def api(course: Path) -> NbGraderAPI:
    """nbgrader's own API (what formgrader calls) on this course, with its config."""
    return NbGraderAPI(config=load_config(course))


def run(result: dict, what: str) -> None:
    """Raise with nbgrader's log when one of its API calls failed."""
    if not result.get("success"):
        raise CourseError(f"nbgrader {what} failed:\n{result.get('error') or result.get('log', '')}")


def generate(course: Path) -> dict[str, Path]:
    """``nbgrader generate_assignment`` for every problem: assignment -> student notebook."""
    run(api(course).generate_assignment("*"), "generate_assignment")
    return released(course)


def released(course: Path) -> dict[str, Path]:
    """The student notebooks nbgrader generated in ``course/release/``: assignment -> notebook."""
    return {path.parent.name: path for path in sorted((course / "release").glob(f"*/{NOTEBOOK_GLOB}"))
            if path.stem == path.parent.name}


def expected_notebooks(root: Path = ROOT) -> dict[Path, bytes]:
    """``assignments/`` path -> the student notebook nbgrader generates from ``solutions/``."""
    with tempfile.TemporaryDirectory(prefix="grader-course-") as tmp:
        course = Path(tmp) / "course"
        lay_out(course, root)
        return {root / "assignments" / path.name: path.read_bytes() for path in generate(course).values()}


def notebooks_of(student: Path) -> list[Path]:
    """A student folder's notebooks: beside its modules, else in ``assignments/`` or the folder itself."""
    for place in (locate_modules(student), student / "assignments", student):
        found = sorted(place.glob(NOTEBOOK_GLOB))
        if found:
            return found
    return []


def class_folders(class_dir: Path) -> dict[str, Path]:
    """One folder per student, named as ``python -m grader --submissions-dir`` names them."""
    if not class_dir.is_dir():
        raise CourseError(f"{class_dir}: 不是文件夹 / not a folder")
    return {p.name: p for p in sorted(class_dir.iterdir()) if p.is_dir() and not p.name.startswith((".", "_"))}


def roster_folders(roster_csv: Path, snapshot_csv: Path | None, deadline: str,
                   clones: Path) -> tuple[dict[str, Path | None], dict[str, str]]:
    """Each student's repository at the commit the code grader grades (``python -m grader
    --roster``: the roster's, the snapshot's, the last before the deadline, HEAD), exported
    under ``clones``. Returns student -> folder (None: unreadable) and student -> why."""
    taken = roster.read_snapshot(snapshot_csv)
    folders, failures = {}, {}
    for entry in roster.read(roster_csv):
        got = roster.checkout(entry, clones, taken.get(entry.student), deadline)
        folders[entry.student] = got.tree
        if got.failure:
            failures[entry.student] = got.failure
    return folders, failures


def collect(students: dict[str, Path | None], course: Path) -> dict[str, list[str]]:
    """Copy each student's notebooks into ``course/submitted/<student>/<assignment>/``.

    ``students``: name -> folder (None when there is none: an unreadable repository).
    The notebooks sit beside the student's modules (the folder itself, its
    ``assignments/``, …). Every student is entered in the gradebook, so one who hands in
    no notebook is exported with 0 written points rather than missing. Returns
    student -> assignments handed in.
    """
    source = course / "source"
    assignments = {path.name for path in source.iterdir() if path.is_dir()} if source.is_dir() else set()
    if not assignments or not (course / "gradebook.db").exists():
        raise CourseError(f"{course}: not a course yet (run: python -m grader notebooks course {course})")
    found: dict[str, list[str]] = {}
    with api(course).gradebook as gradebook:
        for student, folder in students.items():
            gradebook.update_or_create_student(student)
            found[student] = []
            for notebook in notebooks_of(folder) if folder else []:
                if notebook.stem in assignments:
                    target = course / "submitted" / student / notebook.stem
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(notebook, target / notebook.name)
                    found[student].append(notebook.stem)
    return found
