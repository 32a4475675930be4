"""Which files make the project, where its root is, and each file's module name."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import pathspec

ROOT_MARKERS = ("privacy.yaml", "pyproject.toml", ".git")
DEFAULT_EXCLUDES = (".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules",
                    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".privacylint_cache",
                    "build", "dist", "site-packages", ".eggs", "*.egg-info")


@dataclass(frozen=True)
class ProjectFile:
    path: Path                       # absolute
    relative: str                    # relative to the root, with /
    module: str                      # dotted module name
    is_package: bool                 # an __init__.py


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding privacy.yaml, pyproject.toml or .git."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return folder


def discover(root: Path, excludes: Iterable[str] = ()) -> tuple[list[ProjectFile], list[tuple[str, str]]]:
    """Every .py file under root, skipping excluded, git-ignored and virtualenv folders; also the
    paths that could not be listed. Paths are joined as text, folder by folder (pathlib's parsing of
    each file's path cost more than the listing itself)."""
    excluded = exclusion(tuple(DEFAULT_EXCLUDES) + tuple(excludes))
    files: list[ProjectFile] = []
    problems: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    ignores = GitIgnores(root)
    names = ModuleNames(root)

    def on_error(error: OSError) -> None:
        problems.append((relative_path(Path(error.filename), root), error.strerror or str(error)))

    for folder, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        folder_path = Path(folder)
        inside = relative_path(folder_path, root)
        prefix = "" if inside == "." else inside + "/"
        ignores.enter(folder_path, prefix, problems)
        dirnames[:] = sorted(d for d in dirnames
                             if not excluded(d, prefix + d)
                             and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
                             and not ignores.ignored(prefix + d + "/"))
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            relative = prefix + name
            if excluded(name, relative) or ignores.ignored(relative):
                continue
            try:
                stat = os.stat(os.path.join(folder, name))
            except OSError as exc:
                problems.append((relative, exc.strerror or str(exc)))
                continue
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            path = folder_path / name
            files.append(ProjectFile(path=path, relative=relative, module=names.name(path),
                                     is_package=name == "__init__.py"))
    return files, problems


class GitIgnores:
    """The .gitignore files met on the way down (patterns are relative to their own folder)."""

    def __init__(self, root: Path):
        self.specs: list[tuple[str, pathspec.PathSpec]] = []   # (folder relative to the root + "/", spec)
        exclude = root / ".git" / "info" / "exclude"
        if exclude.is_file():
            self._add("", exclude, [])

    def enter(self, folder: Path, prefix: str, problems: list[tuple[str, str]]) -> None:
        ignore = folder / ".gitignore"
        if ignore.is_file():
            self._add(prefix, ignore, problems)

    def _add(self, prefix: str, path: Path, problems: list[tuple[str, str]]) -> None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            problems.append((path.as_posix(), exc.strerror or str(exc)))
            return
        self.specs.append((prefix, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, relative: str) -> bool:
        """Whether a path relative to the root (a folder's ends with /) is ignored."""
        return any(relative.startswith(prefix) and spec.match_file(relative[len(prefix):])
                   for prefix, spec in self.specs)


def project_file(path: Path, root: Path) -> ProjectFile:
    return ProjectFile(path=path, relative=relative_path(path, root), module=ModuleNames(root).name(path),
                       is_package=path.name == "__init__.py")


class ModuleNames:
    """Dotted module names of files, each folder's package looked up once."""

    def __init__(self, root: Path):
        self.root = root
        self.packages: dict[Path, tuple[tuple[str, ...], Path]] = {}

    def _package(self, folder: Path) -> tuple[tuple[str, ...], Path]:
        """The names of the packages `folder` is in (up to the root's), and the first folder that is not one."""
        known = self.packages.get(folder)
        if known is None:
            if folder != self.root.parent and (folder / "__init__.py").exists():
                parts, top = self._package(folder.parent)
                known = ((*parts, folder.name), top)
            else:
                known = ((), folder)
            self.packages[folder] = known
        return known

    def name(self, path: Path) -> str:
        """Up through folders with __init__.py; a file outside packages is named from the root."""
        parts, top = self._package(path.parent)
        if path.name == "__init__.py" or top != path.parent:
            return ".".join(parts if path.name == "__init__.py" else (*parts, path.stem))
        try:
            relative = path.relative_to(self.root).with_suffix("")
        except ValueError:
            return path.stem
        names = list(relative.parts)
        if names and names[0] == "src" and len(names) > 1:
            names = names[1:]
        return ".".join(names)


def relative_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def exclusion(patterns: tuple[str, ...]) -> Callable[[str, str], bool]:
    """(name, relative path) -> whether a glob pattern matches either; one regex for all patterns."""
    matches = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match if patterns else None
    return lambda name, relative: matches is not None and bool(matches(name) or matches(relative))


def named_files(paths: Iterable[Path], root: Path, excludes: Iterable[str], known: list[ProjectFile],
                ) -> tuple[list[ProjectFile], list[tuple[str, str]]]:
    """Files the user named that discovery skipped (git-ignored, excluded): named means wanted, as in ruff."""
    have = {f.path for f in known}
    found: list[ProjectFile] = []
    problems: list[tuple[str, str]] = []
    for given in paths:
        given = given.resolve()
        if given.is_file() and given.suffix == ".py" and given not in have:
            found.append(project_file(given, root))
        elif given.is_dir() and given != root:
            inside, trouble = discover(given, excludes)
            problems += trouble
            found += [project_file(f.path, root) for f in inside if f.path not in have]
        have |= {f.path for f in found}
    return found, problems


def select_files(files: list[ProjectFile], paths: Optional[list[Path]], root: Path) -> Optional[set[str]]:
    """The relative paths the user named (a report filter), or None for the whole project."""
    if not paths:
        return None
    chosen: set[str] = set()
    for given in paths:
        given = given.resolve()
        named, folder = str(given), os.path.join(str(given), "")
        chosen |= {f.relative for f in files if str(f.path) == named or str(f.path).startswith(folder)}
        if given.is_file() and not given.name.endswith(".py"):
            chosen.add(relative_path(given, root))
    return chosen
