"""Packaging for the Simpl load profiler.

The import name stays `modelservice` so that task files written for the original
simpl-modelservice profiler (`from modelservice.profiler import ProfileCase`) run unchanged.
Only the library is packaged; the local Simpl stack under demo/ runs from a checkout
(its extra dependencies are in requirements-demo.txt, or `pip install .[demo]`).
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def requirements(name: str) -> list[str]:
    lines = (HERE / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "-r"))]


setup(
    name="simpl-profiler",
    version="1.0.0.dev0",
    description="Load profiler for Simpl simulation games (WAMP model services and the games API)",
    long_description=(HERE / "README.md").read_text() if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=find_packages(include=["modelservice", "modelservice.*"]),
    include_package_data=True,
    install_requires=requirements("requirements.txt"),
    extras_require={"demo": requirements("requirements-demo.txt")},
    scripts=["scripts/profile.sh", "scripts/aws_profile.sh"],
)
