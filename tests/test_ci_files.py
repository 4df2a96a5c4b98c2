"""The CI entry point and the GitHub workflows hold the jobs they promise (parsed, not run)."""
from __future__ import annotations

import yaml

from conftest import ROOT

WF = ROOT / ".github" / "workflows"


def load(name):
    data = yaml.safe_load((WF / name).read_text())
    data["on"] = data.pop(True, data.get("on"))   # YAML 1.1 reads the key `on` as True
    return data


def steps_text(job):
    return "\n".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in job["steps"])


def test_pull_request_workflow():
    wf = load("pr.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"] == {"contents": "read"}
    text = steps_text(next(iter(wf["jobs"].values())))
    assert "make book" in text and "make test" in text and "pipefail" in text
    assert text.count("actions/upload-artifact") >= 2
    assert "secrets." not in (WF / "pr.yml").read_text()


def test_publish_workflow():
    wf = load("publish.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"]["pages"] == "write"
    assert "actions/deploy-pages" in steps_text(wf["jobs"]["deploy"])
    assert "_build/html" in (WF / "publish.yml").read_text()


def test_weekly_rebuild():
    wf = load("weekly.yml")
    assert wf["on"]["schedule"][0]["cron"]
    assert "make test" in steps_text(wf["jobs"]["rebuild"])


def test_ci_entry_point_calls_make_test():
    text = (ROOT / ".ci" / "run").read_text()
    assert "make test" in text and "set -e" in text
