"""A real JupyterLab server on 127.0.0.1: it lists the notebooks through its REST API, offers
the project's named kernel, and runs a notebook's cells in a server kernel."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
import websocket

from szpolicy.io import paths

pytestmark = pytest.mark.heavy  # run early: see conftest.py

KERNEL = "szpolicy"
DISPLAY_NAME = "szpolicy (Python 3.11)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab serving the project, on a free port with a random token; stopped after."""
    port, token = free_port(), secrets.token_hex(16)
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={paths.ROOT}",
        ],
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"JupyterLab did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield base, token
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def api(server, method: str, path: str, body: dict | None = None) -> dict | list:
    base, token = server
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
    return json.loads(text) if text else {}


def run_cell(channel: websocket.WebSocket, code: str) -> tuple[str, str]:
    """Execute code on a kernel's channels; its status and what it printed or returned."""
    msg_id = uuid.uuid4().hex
    channel.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "store_history": True},
                "channel": "shell",
            }
        )
    )
    printed, status = [], None
    while status is None:
        msg = json.loads(channel.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            printed.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            printed.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "execute_reply":
            status = content["status"]
    return status, "".join(printed)


def test_jupyterlab_lists_the_notebooks_and_offers_the_named_kernel(server) -> None:
    listing = api(server, "GET", "/api/contents/notebooks")
    names = {item["name"] for item in listing["content"]}
    assert {p.name for p in paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")} <= names
    specs = api(server, "GET", "/api/kernelspecs")["kernelspecs"]
    assert specs[KERNEL]["spec"]["display_name"] == DISPLAY_NAME


def test_a_server_kernel_runs_a_notebooks_cells(server) -> None:
    book = api(server, "GET", "/api/contents/notebooks/01-data-tour.ipynb")["content"]
    parameters = next(c for c in book["cells"] if "parameters" in c["metadata"].get("tags", []))
    kernel = api(server, "POST", "/api/kernels", {"name": KERNEL, "path": "notebooks"})
    base, token = server
    url = f"{base.replace('http', 'ws')}/api/kernels/{kernel['id']}/channels?token={token}"
    channel = websocket.create_connection(url, timeout=60)
    try:
        assert run_cell(channel, parameters["source"])[0] == "ok"
        status, printed = run_cell(
            channel,
            "import szpolicy\nprint(sorted(szpolicy.load('reports')['collection'].unique()))",
        )
    finally:
        channel.close()
        api(server, "DELETE", f"/api/kernels/{kernel['id']}")
    assert status == "ok", printed
    assert "seed" in printed


def test_every_notebook_opens_in_the_named_kernel() -> None:
    for book in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        spec = json.loads(book.read_text("utf-8"))["metadata"]["kernelspec"]
        assert (spec["name"], spec["display_name"]) == (KERNEL, DISPLAY_NAME), book.name
