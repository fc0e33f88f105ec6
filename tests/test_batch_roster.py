"""A roster of student repositories (local git repositories here: no network): the commit
graded is the roster's, the snapshot's, or the last one before the deadline, recorded in
the gradebook; an unreachable repository is a row, not a crash."""

from __future__ import annotations

import os
import subprocess

from grader.batch import records
from tests.harness import ROOT
from tests.test_batch import PROBLEM, read_book, run_cli

REF = (ROOT / "solutions" / f"{PROBLEM}.py").read_text(encoding="utf-8")
STUB = (ROOT / "assignments" / f"{PROBLEM}.py").read_text(encoding="utf-8")


def commit(repo, text: str, when: str) -> str:
    """Commit ``text`` as the module, dated ``when`` (students can set any date they like)."""
    (repo / "assignments").mkdir(parents=True, exist_ok=True)
    (repo / "assignments" / f"{PROBLEM}.py").write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "s",
           "GIT_AUTHOR_EMAIL": "s@example.com", "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.com"}
    for args in (["add", "-A"], ["commit", "-q", "-m", when]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def new_repo(path):
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    return path


def test_roster_grades_the_right_commits(tmp_path):
    # alice: right before the deadline, broke it after (graded by commit date: the fallback)
    alice = new_repo(tmp_path / "alice")
    alice_before = commit(alice, REF, "2025-03-01T10:00:00+00:00")
    commit(alice, STUB, "2025-03-03T10:00:00+00:00")
    # bob: the snapshot taken at the deadline holds his right version; he pushed a stub later
    bob = new_repo(tmp_path / "bob")
    bob_snapshot = commit(bob, REF, "2025-03-01T10:00:00+00:00")
    # carol: an extension to March 5th, her right version came on March 4th
    carol = new_repo(tmp_path / "carol")
    commit(carol, STUB, "2025-03-01T10:00:00+00:00")
    carol_late = commit(carol, REF, "2025-03-04T10:00:00+00:00")
    # dave: a pinned commit in the roster
    dave = new_repo(tmp_path / "dave")
    dave_pinned = commit(dave, REF, "2025-03-01T10:00:00+00:00")
    commit(dave, STUB, "2025-03-01T11:00:00+00:00")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,repository,commit,deadline\n"
                      f"alice,{alice},,\n"
                      f"bob,{bob},,\n"
                      f"carol,{carol},,2025-03-05T00:00:00+00:00\n"
                      f"dave,{dave},{dave_pinned},\n"
                      f"eve,{tmp_path / 'no-such-repository'},,\n", encoding="utf-8")
    snapshot = tmp_path / "snapshot.csv"
    proc = run_cli(["snapshot", "--roster", str(roster), "--snapshot", str(snapshot),
                    "--deadline", "2025-03-02T00:00:00+00:00"])
    assert proc.returncode == 1 and "eve" in proc.stdout, proc.stdout + proc.stderr  # unreachable: retried later
    taken = {line.split(",")[0]: line.split(",")[2] for line in snapshot.read_text().splitlines()[1:]}
    assert taken["bob"] == bob_snapshot and "eve" not in taken
    commit(bob, STUB, "2025-02-01T10:00:00+00:00")  # after the snapshot, back-dated: no use
    snapshot.write_text("\n".join(line for line in snapshot.read_text().splitlines()
                                  if not line.startswith(("alice,", "carol,", "dave,"))) + "\n")

    out = tmp_path / "out"
    proc = run_cli(["--roster", str(roster), "--snapshot", str(snapshot), "--deadline", "2025-03-02T00:00:00+00:00",
                    "--grade-json", str(out), "--jobs", "2", "-k", PROBLEM])
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]  # eve could not be graded
    book = read_book(out / "gradebook.csv")
    assert list(book) == ["alice", "bob", "carol", "dave", "eve"]
    expected = {"alice": alice_before, "bob": bob_snapshot, "carol": carol_late, "dave": dave_pinned}
    for name, sha in expected.items():
        assert book[name]["commit"] == sha and float(book[name]["total"]) == 10, (name, book[name])
    assert "fallback" in records.run_info(records.read_json(out / "alice.json"))["submission"]["commit_from"]
    assert records.run_info(records.read_json(out / "bob.json"))["submission"]["commit_from"] == "snapshot"
    assert book["eve"]["status"] == records.UNREACHABLE and "cannot read the repository" in book["eve"]["note"]
    assert book["eve"]["total"] == ""
