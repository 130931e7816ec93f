"""The installed package, without a JVM: the bundled jar and the alias pyspark imports."""

import os
import zipfile

import hyperreg
import hyperreg.ml


def test_jars_are_the_bundled_application_jar():
    jars = hyperreg.jars()
    assert jars, "hyperreg.jars() returned nothing"
    for jar in jars:
        assert os.path.isabs(jar), jar
        assert os.path.basename(jar).startswith("hyperreg-spark-"), jar
        with zipfile.ZipFile(jar) as contents:
            names = set(contents.namelist())
        # the shaded jar: the estimator and hyperreg-core's solver
        assert "dev/hyperreg/ml/HyperbolicRegression.class" in names, jar
        assert "dev/hyperreg/core/solver/IterationRecord.class" in names, jar


def test_the_java_package_name_imports_the_python_classes():
    # what JavaParams._from_java and DefaultParamsReader.loadParamsInstance do with a class name
    for java_name in (
        "dev.hyperreg.ml.HyperbolicRegression",
        "dev.hyperreg.ml.HyperbolicRegressionModel",
        "dev.hyperreg.ml.HyperbolicRegressionTrainingSummary",
    ):
        module, _, name = java_name.replace("org.apache.spark", "pyspark").rpartition(".")
        found = getattr(__import__(module, fromlist=[name]), name)
        assert found is getattr(hyperreg.ml, name)


def test_pyspark_names_the_java_classes_from_the_python_ones():
    from pyspark.ml.util import JavaMLReader

    for cls in (hyperreg.ml.HyperbolicRegression, hyperreg.ml.HyperbolicRegressionModel):
        # what JavaMLReader (py4j) and RemoteMLReader (Spark Connect) derive from the class
        assert JavaMLReader._java_loader_class(cls) == cls._java_class_name == "dev.hyperreg.ml." + cls.__name__
