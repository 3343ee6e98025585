"""deploy/ checked offline (no image can be pulled, no cluster reached here): the Kubernetes
manifests against the API's schemas (kubernetes-validate, strict) and against each other, the
HAProxy configurations by HAProxy itself, the container file and the compose file against the
repository; and ``serve``'s cluster on this machine keeps each browser on one replica."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from visualizer.serve import MALLOC_ENV, haproxy_config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
needs_haproxy = pytest.mark.skipif(HAPROXY is None, reason="HAProxy is not installed (.ci/run installs it)")


def manifests() -> dict[str, dict]:
    out = {}
    for f in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(f.read_text()):
            out[doc["kind"]] = doc
    return out


def test_the_kubernetes_manifests_are_valid_resources():
    import kubernetes_validate as kv
    docs = manifests()
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget"} <= set(docs)
    for doc in docs.values():
        kv.validate(doc, kv.latest_version(), strict=True)
    # and the validator does bite: a misspelt field is refused
    bad = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())
    bad["spec"]["replica"] = bad["spec"].pop("replicas")
    with pytest.raises(kv.ValidationError):
        kv.validate(bad, kv.latest_version(), strict=True)


def test_the_manifests_fit_together_and_keep_a_browser_on_its_replica():
    docs = manifests()
    dep, svc, ing, pdb = docs["Deployment"], docs["Service"], docs["Ingress"], docs["PodDisruptionBudget"]
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert svc["spec"]["selector"].items() <= labels.items() and pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    c = dep["spec"]["template"]["spec"]["containers"][0]
    port = next(p for p in c["ports"] if p["name"] == svc["spec"]["ports"][0]["targetPort"])
    assert port["containerPort"] == 8501
    assert c["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert {e["name"]: e["value"] for e in c["env"]} == MALLOC_ENV
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"] and backend["port"]["name"] == svc["spec"]["ports"][0]["name"]
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets for a lecture
    assert notes["nginx.ingress.kubernetes.io/proxy-body-size"] == "17m"  # the app's 16 MiB uploads and their framing


def test_the_container_file_copies_what_the_app_needs_and_runs_it():
    text = (DEPLOY / "Containerfile").read_text()
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        *sources, _dest = line.split()
        for src in sources:
            assert (ROOT / src).exists(), f"COPY {src}: not in the repository"
    copied = " ".join(re.findall(r"^COPY (.+)$", text, re.M))
    for needed in ("Home.py", "pages/", "visualizer/", ".streamlit/", "pyproject.toml"):
        assert needed in copied
    assert re.search(r"^EXPOSE 8501$", text, re.M) and '"Home.py"' in text and '"8501"' in text
    assert all(f"{k}={v}" in text for k, v in MALLOC_ENV.items())


def test_the_compose_file_builds_the_container_and_puts_haproxy_in_front():
    doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    app, lb = doc["services"]["app"], doc["services"]["lb"]
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == (DEPLOY / "Containerfile").resolve()
    assert app["deploy"]["replicas"] >= 2
    cfg = lb["volumes"][0].split(":")[0]
    assert (DEPLOY / cfg).exists() and lb["ports"] == ["8501:8501"]
    text = (DEPLOY / cfg).read_text()
    assert "cookie ESXI_REPLICA insert" in text
    from visualizer.serve import MAX_BODY
    assert f"req.hdr_val(content-length) gt {MAX_BODY} }}" in text  # what serve's configuration refuses too


@needs_haproxy
@pytest.mark.parametrize("cfg", ["haproxy.cfg", "haproxy-compose.cfg"])
def test_haproxy_accepts_its_configurations(cfg):
    p = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / cfg)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "cookie ESXI_REPLICA insert" in (DEPLOY / cfg).read_text()


def test_deploy_haproxy_cfg_is_what_serve_writes():
    text = (DEPLOY / "haproxy.cfg").read_text()
    assert text.endswith(haproxy_config("0.0.0.0:8501", [("r1", "127.0.0.1", 8601), ("r2", "127.0.0.1", 8602)]))
