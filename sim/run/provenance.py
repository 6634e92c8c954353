"""What produced a result: the versions recorded in every manifest."""

from __future__ import annotations

import platform
from importlib import metadata

PACKAGES = ("ceasefire-sim", "mesa", "numpy", "pandas", "pyarrow", "pydantic")


def package_versions() -> dict[str, str]:
    """Python's version and the installed version of each package the results depend on."""
    versions = {"python": platform.python_version()}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "unknown"
    return versions
