"""[tool.privacylint] in pyproject.toml -> a frozen Config. Unknown keys are errors."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from privacylint.errors import LocatedError
from privacylint.yamlsource import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

KEYS = {"manifest": str, "exclude": list, "select": list, "ignore": list, "extend-rules": list}


@dataclass(frozen=True)
class Config:
    manifest: Optional[str] = None   # relative to the pyproject.toml folder
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_rules: tuple[Path, ...] = ()   # the user's rules files, folders expanded to their YAML files


def load_config(root: Path) -> Config:
    path = root / "pyproject.toml"
    if not path.is_file():
        return Config()
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise LocatedError(str(path), line, column, f"invalid TOML: {getattr(exc, 'msg', exc)}") from None
    section = data.get("tool", {}).get("privacylint", {})
    values = {}
    for key, value in section.items():
        if key not in KEYS:
            raise LocatedError(str(path), _line_of(text, key), 1, f"unknown key '{key}' in [tool.privacylint]",
                               did_you_mean(key, KEYS) or f"expected one of: {', '.join(KEYS)}")
        if not isinstance(value, KEYS[key]) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            raise LocatedError(str(path), _line_of(text, key), 1,
                               f"[tool.privacylint] {key} must be {'a string' if KEYS[key] is str else 'a list of strings'}")
        if key == "extend-rules":
            value = _rules_files(root, value, path, _line_of(text, key))
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    return Config(**values)


def _rules_files(root: Path, entries: list[str], pyproject: Path, line: int) -> list[Path]:
    """Each entry is a rules file, or a folder whose .yaml and .yml files (at any depth) are."""
    files: list[Path] = []
    for entry in entries:
        path = Path(os.path.normpath(root / entry))
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found = [path] if path.is_file() else []
        if not found:
            problem = "is a folder without .yaml files" if path.is_dir() else "is not a file or folder"
            raise LocatedError(str(pyproject), line, 1, f"[tool.privacylint] extend-rules: '{entry}' {problem}",
                               "paths are relative to the folder of pyproject.toml")
        files += [f for f in found if f not in files]
    return files


def _line_of(text: str, key: str) -> int:
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[tool.privacylint]"
        elif inside and stripped.split("=")[0].strip().strip('"') == key:
            return number
    return 1
