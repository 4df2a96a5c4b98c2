"""The CI entry point and the GitHub workflows hold the jobs and limits they promise (parsed, not run)."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT

WF = ROOT / ".github" / "workflows"
FILES = sorted(p.name for p in WF.glob("*.yml"))
PINNED = re.compile(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}")
WRITE_SCOPES = {"pages", "id-token"}

pytestmark = pytest.mark.fast


def load(name):
    data = yaml.safe_load((WF / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps(job):
    return job.get("steps", [])


def runs(job):
    return [str(s.get("run", "")) for s in steps(job)]


def uses(job):
    return [s["uses"] for s in steps(job) if "uses" in s]


def step_index(job, predicate):
    return next(i for i, s in enumerate(steps(job)) if predicate(s))


def test_there_are_workflows():
    assert {"pr.yml", "publish.yml", "weekly.yml"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_actions_pinned_by_commit_with_version_comment(name):
    text = (WF / name).read_text()
    for job in load(name)["jobs"].values():
        for ref in uses(job):
            assert PINNED.fullmatch(ref), f"{name}: {ref} is not pinned by a full commit SHA"
            line = next(x for x in text.splitlines() if ref in x)
            assert re.search(r"#\s*v\d+\.\d+\.\d+\s*$", line), f"{name}: {ref} has no '# vX.Y.Z' comment"


@pytest.mark.parametrize("name", FILES)
def test_checkouts_keep_no_credentials(name):
    for job in load(name)["jobs"].values():
        for s in steps(job):
            if s.get("uses", "").startswith("actions/checkout@"):
                assert s.get("with", {}).get("persist-credentials") is False, f"{name}: checkout persists its token"


@pytest.mark.parametrize("name", FILES)
def test_every_job_has_a_timeout(name):
    for job_name, job in load(name)["jobs"].items():
        assert 0 < int(job.get("timeout-minutes", 0)) <= 90, f"{name}: job {job_name} has no timeout"


@pytest.mark.parametrize("name", FILES)
def test_no_pull_request_target(name):
    assert "pull_request_target" not in (load(name)["on"] or {})


def test_pull_request_workflow_is_read_only():
    wf = load("pr.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"] == {"contents": "read"}
    for job in wf["jobs"].values():
        assert "permissions" not in job
        assert "make book" in "\n".join(runs(job)) and any("make test" in r and "pipefail" in r for r in runs(job))
        assert sum(u.startswith("actions/upload-artifact@") for u in uses(job)) >= 2
    assert "secrets." not in (WF / "pr.yml").read_text()


def test_publish_grants_pages_to_the_deploy_job_only():
    wf = load("publish.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert not WRITE_SCOPES & set(wf.get("permissions") or {})
    deploy, build = wf["jobs"]["deploy"], wf["jobs"]["build"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert build["permissions"] == {"contents": "read"}
    assert set(wf["jobs"]) == {"build", "deploy"}
    assert any(u.startswith("actions/deploy-pages@") for u in uses(deploy))
    assert deploy["needs"] == "build" and "container" not in deploy


def test_publish_builds_where_pull_requests_are_tested_and_deploys_only_after_tests():
    wf, pr = load("publish.yml"), load("pr.yml")
    build = wf["jobs"]["build"]
    assert build["container"] == next(iter(pr["jobs"].values()))["container"]
    book = step_index(build, lambda s: "make book" in str(s.get("run", "")))
    test = step_index(build, lambda s: "make test" in str(s.get("run", "")))
    upload = step_index(build, lambda s: s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert book < test < upload
    assert "pipefail" in steps(build)[test]["run"] and "if" not in steps(build)[upload]
    assert steps(build)[upload]["with"]["path"] == "_build/html"


def test_weekly_rebuild():
    wf = load("weekly.yml")
    assert wf["on"]["schedule"][0]["cron"]
    assert wf["permissions"] == {"contents": "read"}
    assert any("make test" in r for r in runs(wf["jobs"]["rebuild"]))


def test_ci_entry_point_calls_make_test():
    text = (ROOT / ".ci" / "run").read_text()
    assert "make test" in text and "set -e" in text
