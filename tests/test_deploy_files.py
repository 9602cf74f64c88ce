"""The deployment files in deploy/ (README "Operations") cannot be built or started here; what can be checked is
that they say so and that they agree with the code: every command they run is one `beslut` accepts, the
Dockerfile installs the torch the project pins and converts the model with a function that exists, the example
environment is one Settings accepts, and the worker migrates before it starts while the web never does."""
from __future__ import annotations

import ast
import re
import shlex
import tomllib

import yaml

from bot.cli.main import build_parser
from bot.settings import Settings
from conftest import PROJECT

DEPLOY = PROJECT / "deploy"


def beslut_argv(command: str) -> list[list[str]]:
    """The `beslut` invocations in a shell command line ("sh -c 'beslut migrate && exec beslut worker'")."""
    out = []
    for part in re.split(r"&&|;", command):
        words = [w for w in shlex.split(part) if w != "exec"]
        if words and words[0].endswith("beslut"):
            out.append(words[1:])
    return out


def assert_beslut_accepts(argv: list[str]) -> str:
    args = build_parser().parse_args(argv)  # SystemExit (a failed test) for an unknown command or option
    return args.command


def unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_every_file_says_it_was_not_built_or_run_here():
    for name in ("Dockerfile", "docker-compose.yml", "beslut-web.service", "beslut-worker.service"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        assert re.search(r"NOT (BUILT|RUN) HERE", text), name
        assert "tests prove" in text, name


def test_the_systemd_units_run_beslut_as_its_own_user_and_only_the_worker_migrates():
    web, worker = unit("beslut-web.service"), unit("beslut-worker.service")
    for u in (web, worker):
        assert u["User"] == ["beslut"] and u["EnvironmentFile"] == ["/etc/beslut/beslut.env"] and u["Restart"]
    assert [assert_beslut_accepts(a) for c in web["ExecStart"] for a in beslut_argv(c)] == ["serve"]
    assert "ExecStartPre" not in web  # the web process never changes the schema
    assert [assert_beslut_accepts(a) for c in worker["ExecStartPre"] for a in beslut_argv(c)] == ["migrate"]
    assert [assert_beslut_accepts(a) for c in worker["ExecStart"] for a in beslut_argv(c)] == ["worker"]


def test_the_compose_example_runs_two_webs_one_worker_and_postgresql():
    services = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    def shell_line(command: list[str]) -> str:
        return command[2] if command[:2] == ["sh", "-c"] else shlex.join(command)

    commands = {name: [assert_beslut_accepts(a) for a in beslut_argv(shell_line(s["command"]))]
                for name, s in services.items() if "command" in s}
    assert commands == {"worker": ["migrate", "worker"], "web-1": ["serve"], "web-2": ["serve"]}
    assert services["postgres"]["image"].startswith("postgres:")
    for name in commands:
        url = services[name]["environment"]["DATABASE_URL"]
        assert Settings.from_env({"DATABASE_URL": url}).database_url == url  # one the settings accept
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"


def test_the_dockerfile_pins_cpu_torch_as_the_project_does_and_converts_the_model_at_build_time():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    pinned = [d for d in tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["dependencies"]
              if d.startswith("torch")]
    assert pinned == ["torch==2.13.0"]
    assert f"pip install {pinned[0]} --index-url https://download.pytorch.org/whl/cpu" in text
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    (snippet,) = [c for c in re.findall(r'python -c "(.*?)"\n', text.replace("\\\n", "")) if "ensure_model" in c]
    tree = ast.parse(snippet)  # valid Python, calling a converter that exists
    from embeddings.dense import e5_convert

    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "ensure_model" in called and callable(e5_convert.ensure_model)
    assert "ENV BESLUT_MODEL_CACHE=/app/models" in text and "ensure_model(Path('/app/models'))" in snippet
    assert 'CMD ["beslut", "serve"]' in text


def test_the_example_environment_is_one_the_settings_accept():
    env = {}
    for line in (DEPLOY / "beslut.env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    settings = Settings.from_env(env)
    assert settings.log_format == "json" and settings.port == 3000 and settings.sources
