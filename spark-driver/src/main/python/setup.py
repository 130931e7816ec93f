"""
Builds the hyperreg wheel with the application jar inside: the build step copies the shaded jar
that `mvn package` left in spark-driver/target/ into hyperreg/jars/ of the build, so
`pip install spark-driver/src/main/python` after `mvn -B package -DskipTests` is the whole
procedure and nothing is copied into the source tree. The metadata is in pyproject.toml.
"""

import glob
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

MAVEN_TARGET = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "target"))


class BuildWithJar(build_py):
    def run(self) -> None:
        super().run()
        # hyperreg-spark-<version>.jar is the shaded one; maven-shade keeps the plain jar as original-*.jar
        jars = glob.glob(os.path.join(MAVEN_TARGET, "hyperreg-spark-*.jar"))
        if len(jars) != 1:
            raise SystemExit(
                "expected one application jar %s, found %s: run `mvn -B package -DskipTests` at the "
                "repository root first" % (os.path.join(MAVEN_TARGET, "hyperreg-spark-*.jar"), jars or "none")
            )
        destination = os.path.join(self.build_lib, "hyperreg", "jars")
        os.makedirs(destination, exist_ok=True)
        shutil.copy2(jars[0], destination)


setup(cmdclass={"build_py": BuildWithJar})
