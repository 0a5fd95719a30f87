"""The install pins what CI tested: constraints.txt holds an exact, in-range version of
every requirement, the README's two commands and CI install with it, and the environment
running these tests is the pinned one."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _requirements(name: str) -> list[Requirement]:
    found = []
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"constraints.txt: '{line}' is not an exact version"
            pins[canonicalize_name(name)] = pinned
    return pins


def test_every_requirement_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _requirements("requirements.txt") + _requirements("requirements-dev.txt"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pins[name]}, outside {requirement}"
        )


def test_the_readme_commands_and_ci_install_with_the_constraints():
    readme = (ROOT / "README.md").read_text()
    for marker in ("run-command", "test-command"):
        block = re.search(rf"<!-- {marker} -->\s*```bash\n(.*?)\n```", readme, re.S)
        assert block, marker
        assert re.search(
            r"pip install -q -r requirements(-dev)?\.txt -c constraints\.txt", block[1]
        )
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -q -r requirements-dev.txt -c constraints.txt" in ci


def test_the_tests_run_on_the_pinned_versions():
    pins = _pins()
    for requirement in _requirements("requirements.txt") + _requirements("requirements-dev.txt"):
        name = canonicalize_name(requirement.name)
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            raise AssertionError(f"{requirement.name} is not installed") from None
        assert installed == pins[name], (
            f"{requirement.name} {installed} is installed, constraints.txt pins {pins[name]}: "
            "install with -c constraints.txt, or update the pin (README)"
        )
