"""
PySpark wrappers of the Java Spark ML estimator dev.hyperreg.ml.HyperbolicRegression, its model
and its training summary (users import them from :mod:`hyperreg.ml`), written the way
pyspark.ml.regression wraps Spark's own: every Java param is declared here with its type converter,
values live in the Python param map and reach the Java object before fit, transform, copy and save.

They are defined in this module, named like the Java package, because PySpark maps classes by
name — "org.apache.spark" ↔ "pyspark", every other name as it is — when it loads a model or a
pipeline (JavaMLReader, JavaParams._from_java, Pipeline.load) and when it names a class to a Spark
Connect server, and offers no hook to map them otherwise.

Over Spark Connect the server lets a client call only an allow-list of methods on a model; for a
third-party model that is toString, which the Java model makes JSON (coefficients and summary
included), so ``coefficients`` and the summary are read from it there.
"""

import json
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

from pyspark import keyword_only
from pyspark.ml.common import inherit_doc
from pyspark.ml.evaluation import JavaEvaluator
from pyspark.ml.linalg import DenseVector, Vector
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.param.shared import HasFeaturesCol, HasLabelCol, HasPredictionCol
from pyspark.ml.util import HasTrainingSummary, JavaMLReadable, JavaMLWritable
from pyspark.ml.wrapper import JavaEstimator, JavaModel, JavaWrapper
from pyspark.sql import is_remote

if TYPE_CHECKING:
    from py4j.java_gateway import JavaObject

__all__ = [
    "HyperbolicRegression",
    "HyperbolicRegressionModel",
    "HyperbolicRegressionTrainingSummary",
    "HyperbolicRegressionSummary",
    "HyperbolicRegressionEvaluator",
]


_JAVA_LABELS: Dict[str, Sequence[str]] = {}


def _java_labels(enumeration: str) -> Optional[Sequence[str]]:
    """The names of a Java enumeration in dev.hyperreg.core.objective (``ObjectiveKind.labels()``,
    ``Link.labels()``), asked of the JVM once, so that the list lives in Java alone; None where
    there is no JVM in this process (Spark Connect: the server's validator checks the name)."""
    if enumeration not in _JAVA_LABELS:
        from pyspark import SparkContext

        sc = SparkContext._active_spark_context
        if is_remote() or sc is None:
            return None
        java_class = getattr(sc._jvm.dev.hyperreg.core.objective, enumeration)
        _JAVA_LABELS[enumeration] = tuple(java_class.labels())
    return _JAVA_LABELS[enumeration]


def _lower_case_choice(enumeration: str) -> Any:
    """A type converter that lower-cases a string, as the Java setters do, and checks it is one of
    the Java enumeration's labels (the Java validators would refuse anything else, but only once fit
    or save ran)."""
    return _lower_case_among(lambda: _java_labels(enumeration))


def _lower_case_among(known: Any) -> Any:
    """The same against the choices ``known()`` gives (None: not checked here)."""

    def convert(value: Any) -> str:
        value = TypeConverters.toString(value).lower()
        choices = known()
        if choices is not None and value not in choices:
            raise TypeError("%r is not one of %s" % (value, ", ".join(choices)))
        return value

    convert.__name__ = "toLowerCaseChoice"
    return convert


def _lower_case(value: Any) -> str:
    """solver: lower-cased like the Java setter; the Java validator checks the name at fit time,
    so the list of solvers lives in one place (FitOptions.SOLVERS)."""
    return TypeConverters.toString(value).lower()


class _HyperbolicRegressionModelParams(HasFeaturesCol, HasLabelCol, HasPredictionCol):
    """Params that the estimator and the model both carry (Java: SharedParams)."""

    shareCol: "Param[str]" = Param(
        Params._dummy(),
        "shareCol",
        "when not empty, also f(a·x)/Σ f(a·x) over the rows being transformed (rescaled and "
        "softmax objectives; depends on which rows are scored)",
        typeConverter=TypeConverters.toString,
    )
    objective: "Param[str]" = Param(
        Params._dummy(),
        "objective",
        "objective: rescaled ½‖f(Ax) − ⟨f(Ax),1⟩b‖², plain ½‖f(Ax) − b‖², or softmax "
        "½‖softmax(Ax) − b‖² (each plus the regularizer)",
        typeConverter=_lower_case_choice("ObjectiveKind"),
    )
    link: "Param[str]" = Param(
        Params._dummy(),
        "link",
        "link function f: exp, cosh or sinh (softmax: exp only)",
        typeConverter=_lower_case_choice("Link"),
    )

    def __init__(self, *args: Any):
        super().__init__(*args)
        self._setDefault(shareCol="", objective="rescaled", link="exp")

    def getShareCol(self) -> str:
        """Gets the value of shareCol or its default value."""
        return self.getOrDefault(self.shareCol)

    def getObjective(self) -> str:
        """Gets the value of objective or its default value."""
        return self.getOrDefault(self.objective)

    def getLink(self) -> str:
        """Gets the value of link or its default value."""
        return self.getOrDefault(self.link)


class _HyperbolicRegressionParams(_HyperbolicRegressionModelParams):
    """Params of :py:class:`HyperbolicRegression` (Java: HyperbolicRegression's params)."""

    regWeightCol: "Param[str]" = Param(
        Params._dummy(),
        "regWeightCol",
        "column of per-row regularization weights w_i (optional, empty: regWeight for every row); "
        "not an instance weight",
        typeConverter=TypeConverters.toString,
    )
    regWeight: "Param[float]" = Param(
        Params._dummy(),
        "regWeight",
        "w for every row when regWeightCol is empty (≥ 0)",
        typeConverter=TypeConverters.toFloat,
    )
    ridge: "Param[float]" = Param(
        Params._dummy(), "ridge", "ridge λ on ‖x‖² (≥ 0)", typeConverter=TypeConverters.toFloat
    )
    solver: "Param[str]" = Param(
        Params._dummy(),
        "solver",
        "newton-cg (default: CG on exact Hessian-vector passes, d-vectors per task, "
        "preconditioned by a row-sampled Hessian; matrix-free for any d), sketch (sketched "
        "Gauss–Newton Hessian), sample (leverage-score sampled Hessian, two passes per "
        "iteration), exact, or lbfgs",
        typeConverter=_lower_case,
    )
    sketchSize: "Param[int]" = Param(
        Params._dummy(),
        "sketchSize",
        "rows of the sketch, or rows to sample (for sample and newton-cg's preconditioner; "
        "0: 20·d)",
        typeConverter=TypeConverters.toInt,
    )
    maxIter: "Param[int]" = Param(
        Params._dummy(),
        "maxIter",
        "maximum Newton (or L-BFGS) iterations (≥ 1)",
        typeConverter=TypeConverters.toInt,
    )
    tol: "Param[float]" = Param(
        Params._dummy(),
        "tol",
        "converged when the Newton step is ≤ tol·max(1, ‖x‖), in (0, 1)",
        typeConverter=TypeConverters.toFloat,
    )
    seed: "Param[int]" = Param(
        Params._dummy(),
        "seed",
        "seed of the sketches and samples (same seed, same fit)",
        typeConverter=TypeConverters.toInt,
    )
    aggregationDepth: "Param[int]" = Param(
        Params._dummy(),
        "aggregationDepth",
        "treeAggregate depth of every pass (0: chosen from the number of partitions, else ≥ 2)",
        typeConverter=TypeConverters.toInt,
    )
    normalizeLabels: "Param[bool]" = Param(
        Params._dummy(),
        "normalizeLabels",
        "rescaled and softmax: fit b/Σb of the training rows (true) or b as given, as hyperreg fit "
        "does (false); predictions are on b's scale either way",
        typeConverter=TypeConverters.toBoolean,
    )
    initialModel: "Param[List[float]]" = Param(
        Params._dummy(),
        "initialModel",
        "coefficients to start from (warm start); set from a fitted model with "
        "setInitialModel(model)",
        typeConverter=TypeConverters.toListFloat,
    )

    def __init__(self, *args: Any):
        super().__init__(*args)
        self._setDefault(
            normalizeLabels=True,
            regWeightCol="",
            regWeight=0.0,
            ridge=0.0,
            solver="newton-cg",
            sketchSize=0,
            maxIter=100,
            tol=1e-10,
            seed=0,
            aggregationDepth=0,
        )

    def getRegWeightCol(self) -> str:
        """Gets the value of regWeightCol or its default value."""
        return self.getOrDefault(self.regWeightCol)

    def getRegWeight(self) -> float:
        """Gets the value of regWeight or its default value."""
        return self.getOrDefault(self.regWeight)

    def getRidge(self) -> float:
        """Gets the value of ridge or its default value."""
        return self.getOrDefault(self.ridge)

    def getSolver(self) -> str:
        """Gets the value of solver or its default value."""
        return self.getOrDefault(self.solver)

    def getSketchSize(self) -> int:
        """Gets the value of sketchSize or its default value."""
        return self.getOrDefault(self.sketchSize)

    def getMaxIter(self) -> int:
        """Gets the value of maxIter or its default value."""
        return self.getOrDefault(self.maxIter)

    def getTol(self) -> float:
        """Gets the value of tol or its default value."""
        return self.getOrDefault(self.tol)

    def getSeed(self) -> int:
        """Gets the value of seed or its default value."""
        return self.getOrDefault(self.seed)

    def getAggregationDepth(self) -> int:
        """Gets the value of aggregationDepth or its default value."""
        return self.getOrDefault(self.aggregationDepth)

    def getNormalizeLabels(self) -> bool:
        """Gets the value of normalizeLabels or its default value."""
        return self.getOrDefault(self.normalizeLabels)

    def getInitialModel(self) -> Optional[List[float]]:
        """The warm-start coefficients, or None when initialModel is not set (as in Java)."""
        if self.isDefined(self.initialModel):
            return self.getOrDefault(self.initialModel)
        return None


@inherit_doc
class HyperbolicRegression(
    JavaEstimator["HyperbolicRegressionModel"],
    _HyperbolicRegressionParams,
    JavaMLWritable,
    JavaMLReadable["HyperbolicRegression"],
):
    """
    Fits the exp/cosh/sinh regression family with Newton's method on Spark: the rescaled
    objective ½‖f(Ax) − ⟨f(Ax),1⟩b‖², the plain objective ½‖f(Ax) − b‖² or softmax regression
    ½‖softmax(Ax) − b‖², each plus ½ Σ w_i² (a_i·x)² + ½ λ ‖x‖² (w_i: ``regWeightCol`` or
    ``regWeight``; λ: ``ridge``). It runs the same distributed solvers as ``hyperreg fit``.
    There is no intercept param: append a constant feature if you want one.

    Needs the hyperreg application jar on the driver: build the session with
    ``.config("spark.jars", ",".join(hyperreg.jars()))``.

    Examples
    --------
    .. code-block:: python

        from hyperreg.ml import HyperbolicRegression, HyperbolicRegressionModel
        data = spark.read.format("libsvm").load("test-data/softmax.libsvm")
        hr = HyperbolicRegression(objective="softmax", ridge=1e-4, seed=3, shareCol="share")
        model = hr.fit(data)
        model.summary.converged                      # True
        model.transform(data).select("label", "prediction", "share").show(2)
        model.write().overwrite().save("/tmp/softmax-model")
        HyperbolicRegressionModel.load("/tmp/softmax-model").hasSummary   # False
    """

    _java_class_name = "dev.hyperreg.ml.HyperbolicRegression"

    _input_kwargs: Dict[str, Any]

    @keyword_only
    def __init__(
        self,
        *,
        featuresCol: str = "features",
        labelCol: str = "label",
        predictionCol: str = "prediction",
        shareCol: str = "",
        regWeightCol: str = "",
        objective: str = "rescaled",
        link: str = "exp",
        regWeight: float = 0.0,
        ridge: float = 0.0,
        solver: str = "newton-cg",
        sketchSize: int = 0,
        maxIter: int = 100,
        tol: float = 1e-10,
        seed: int = 0,
        aggregationDepth: int = 0,
        initialModel: Optional[Sequence[float]] = None,
        normalizeLabels: bool = True,
    ):
        """
        __init__(self, \\*, featuresCol="features", labelCol="label", predictionCol="prediction", \
                 shareCol="", regWeightCol="", objective="rescaled", link="exp", regWeight=0.0, \
                 ridge=0.0, solver="newton-cg", sketchSize=0, maxIter=100, tol=1e-10, seed=0, \
                 aggregationDepth=0, initialModel=None, normalizeLabels=True)
        """
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class_name, self.uid)
        kwargs = self._input_kwargs
        self.setParams(**kwargs)

    @keyword_only
    def setParams(
        self,
        *,
        featuresCol: str = "features",
        labelCol: str = "label",
        predictionCol: str = "prediction",
        shareCol: str = "",
        regWeightCol: str = "",
        objective: str = "rescaled",
        link: str = "exp",
        regWeight: float = 0.0,
        ridge: float = 0.0,
        solver: str = "newton-cg",
        sketchSize: int = 0,
        maxIter: int = 100,
        tol: float = 1e-10,
        seed: int = 0,
        aggregationDepth: int = 0,
        initialModel: Optional[Sequence[float]] = None,
        normalizeLabels: bool = True,
    ) -> "HyperbolicRegression":
        """
        setParams(self, \\*, featuresCol="features", labelCol="label", predictionCol="prediction", \
                  shareCol="", regWeightCol="", objective="rescaled", link="exp", regWeight=0.0, \
                  ridge=0.0, solver="newton-cg", sketchSize=0, maxIter=100, tol=1e-10, seed=0, \
                  aggregationDepth=0, initialModel=None, normalizeLabels=True)
        Sets params for hyperbolic regression.
        """
        kwargs = self._input_kwargs
        initial = kwargs.pop("initialModel", None)
        self._set(**kwargs)
        if initial is not None:
            self.setInitialModel(initial)
        return self

    def _create_model(self, java_model: "JavaObject") -> "HyperbolicRegressionModel":
        return HyperbolicRegressionModel(java_model)

    def setFeaturesCol(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`featuresCol`."""
        return self._set(featuresCol=value)

    def setLabelCol(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`labelCol`."""
        return self._set(labelCol=value)

    def setPredictionCol(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`predictionCol`."""
        return self._set(predictionCol=value)

    def setShareCol(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`shareCol`."""
        return self._set(shareCol=value)

    def setRegWeightCol(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`regWeightCol`."""
        return self._set(regWeightCol=value)

    def setObjective(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`objective`."""
        return self._set(objective=value)

    def setLink(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`link`."""
        return self._set(link=value)

    def setRegWeight(self, value: float) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`regWeight`."""
        return self._set(regWeight=value)

    def setRidge(self, value: float) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`ridge`."""
        return self._set(ridge=value)

    def setSolver(self, value: str) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`solver`."""
        return self._set(solver=value)

    def setSketchSize(self, value: int) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`sketchSize`."""
        return self._set(sketchSize=value)

    def setMaxIter(self, value: int) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`maxIter`."""
        return self._set(maxIter=value)

    def setTol(self, value: float) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`tol`."""
        return self._set(tol=value)

    def setSeed(self, value: int) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`seed`."""
        return self._set(seed=value)

    def setNormalizeLabels(self, value: bool) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`normalizeLabels`."""
        return self._set(normalizeLabels=value)

    def setAggregationDepth(self, value: int) -> "HyperbolicRegression":
        """Sets the value of :py:attr:`aggregationDepth`."""
        return self._set(aggregationDepth=value)

    def setInitialModel(
        self, value: Union["HyperbolicRegressionModel", "JavaObject", Vector, Sequence[float]]
    ) -> "HyperbolicRegression":
        """
        Sets :py:attr:`initialModel`, the coefficients to start from: a fitted
        :py:class:`HyperbolicRegressionModel` (or its Java object, ``model._java_obj``), a
        Vector or a list of floats. Like Java's ``setInitialModel(model)``, it keeps the model's
        coefficients, so the value is an ordinary param: copied, saved and loaded with the rest.
        """
        from py4j.java_gateway import JavaObject

        if isinstance(value, HyperbolicRegressionModel):
            value = value.coefficients
        elif isinstance(value, JavaObject):
            value = list(value.coefficients().toArray())
        return self._set(initialModel=value)


class HyperbolicRegressionModel(
    JavaModel,
    _HyperbolicRegressionModelParams,
    JavaMLWritable,
    JavaMLReadable["HyperbolicRegressionModel"],
    HasTrainingSummary["HyperbolicRegressionTrainingSummary"],
):
    """
    Model fitted by :py:class:`HyperbolicRegression`: the coefficients x; ``transform`` adds the
    prediction on the labels' scale as ``predictionCol`` — f(a·x) for the plain objective, and for
    rescaled and softmax Σb·f(a·x)/Σf(a·x) with both sums over the training rows (the row's share
    of the training rows' Σf, on the training labels' scale; the model keeps the two sums) — and,
    when ``shareCol`` is set (rescaled, softmax), the share f(a·x)/Σ f(a·x) over the rows being
    transformed. :py:meth:`evaluate` gives the metrics on new data.
    """

    _java_class_name = "dev.hyperreg.ml.HyperbolicRegressionModel"

    def setFeaturesCol(self, value: str) -> "HyperbolicRegressionModel":
        """Sets the value of :py:attr:`featuresCol`."""
        return self._set(featuresCol=value)

    def setPredictionCol(self, value: str) -> "HyperbolicRegressionModel":
        """Sets the value of :py:attr:`predictionCol`."""
        return self._set(predictionCol=value)

    def setShareCol(self, value: str) -> "HyperbolicRegressionModel":
        """Sets the value of :py:attr:`shareCol`."""
        return self._set(shareCol=value)

    def setLabelCol(self, value: str) -> "HyperbolicRegressionModel":
        """Sets the value of :py:attr:`labelCol` (what :py:meth:`evaluate` compares with)."""
        return self._set(labelCol=value)

    def evaluate(self, dataset: Any) -> "HyperbolicRegressionSummary":
        """
        The model's metrics on ``dataset`` (``featuresCol`` and ``labelCol``), on the labels'
        scale: the objective's own loss, rmse, r2, the number of rows, and the predictions
        (see :py:class:`HyperbolicRegressionEvaluator`). Classic (py4j) sessions only.
        """
        if is_remote():
            raise NotImplementedError(
                "evaluate needs the classic (py4j) session; over Spark Connect, transform and "
                "compare the columns yourself"
            )
        self._transfer_params_to_java()
        return HyperbolicRegressionSummary(self._java_obj.evaluate(dataset._jdf))

    @property
    def coefficients(self) -> Vector:
        """Model coefficients x (a DenseVector)."""
        if is_remote():
            return DenseVector(_remote_description(self._java_obj)["coefficients"])
        return self._call_java("coefficients")

    @property
    def _summaryCls(self) -> type:
        return HyperbolicRegressionTrainingSummary

    @property
    def summary(self) -> "HyperbolicRegressionTrainingSummary":
        """
        What the fit did, iteration by iteration. Only a freshly fitted model has one: raises
        RuntimeError for a loaded model (check :py:attr:`hasSummary`).
        """
        if is_remote():
            return super().summary  # made by the fit: reads the model's description
        if self.hasSummary:
            return HyperbolicRegressionTrainingSummary(self._call_java("summary"))
        raise RuntimeError(
            "No training summary available for this %s: it was loaded, not fitted"
            % self.__class__.__name__
        )


def _remote_description(java_obj: Any) -> Dict[str, Any]:
    """A model's JSON description over Spark Connect (its toString; see the module's docstring).
    ``java_obj`` is the model's reference, or "reference.summary" for its summary."""
    reference = str(java_obj).split(".")[0]
    return json.loads(JavaWrapper(reference)._call_java("toString"))


class HyperbolicRegressionTrainingSummary(JavaWrapper):
    """
    What a fit did (Java record HyperbolicRegressionTrainingSummary). The histories have one
    entry per iteration, index 0 being the start point, so ``totalIterations + 1`` entries.
    """

    def _get(self, name: str) -> Any:
        if is_remote():
            # a fit's summary does not change: one round trip to the server serves every property
            if getattr(self, "_remote_summary", None) is None:
                self._remote_summary = _remote_description(self._java_obj)["summary"]
            value = self._remote_summary[name]
            # infinite objective values travel as the strings "Infinity"
            return [float(v) for v in value] if isinstance(value, list) else value
        return self._call_java(name)

    @property
    def objectiveHistory(self) -> List[float]:
        """L at the start and after every iteration (inf where L exceeds the double range)."""
        return list(self._get("objectiveHistory"))

    @property
    def logObjectiveHistory(self) -> List[float]:
        """log L at the same points (finite unless L = 0)."""
        return list(self._get("logObjectiveHistory"))

    @property
    def gradientNormHistory(self) -> List[float]:
        """‖∇L‖ at the same points."""
        return list(self._get("gradientNormHistory"))

    @property
    def iterationSeconds(self) -> List[float]:
        """Wall time of every iteration, in seconds."""
        return list(self._get("iterationSeconds"))

    @property
    def totalIterations(self) -> int:
        """Iterations made."""
        return self._get("totalIterations")

    @property
    def stopReason(self) -> str:
        """Why the solver stopped: CONVERGED, MAX_ITERATIONS, ..."""
        return self._get("stopReason")

    @property
    def message(self) -> str:
        """The solver's explanation of the stop."""
        return self._get("message")

    @property
    def converged(self) -> bool:
        """Whether the stop counts as convergence."""
        return self._get("converged")

    @property
    def dataPasses(self) -> int:
        """Passes over the data, the start point's and the final checks included."""
        return self._get("dataPasses")


class HyperbolicRegressionSummary(JavaWrapper):
    """A model's metrics on some data (Java record HyperbolicRegressionSummary), from
    :py:meth:`HyperbolicRegressionModel.evaluate`; every metric on the labels' scale."""

    @property
    def predictions(self) -> Any:
        """The data with the prediction column added."""
        return self._call_java("predictions")

    @property
    def predictionCol(self) -> str:
        """The prediction column compared."""
        return self._call_java("predictionCol")

    @property
    def labelCol(self) -> str:
        """The label column compared."""
        return self._call_java("labelCol")

    @property
    def numInstances(self) -> int:
        """Rows evaluated."""
        return self._call_java("numInstances")

    @property
    def loss(self) -> float:
        """The objective's own data loss on these rows (see HyperbolicRegressionEvaluator)."""
        return self._call_java("loss")

    @property
    def rmse(self) -> float:
        """√(mean of (prediction − label)²)."""
        return self._call_java("rmse")

    @property
    def r2(self) -> float:
        """1 − Σ(prediction − label)²/Σ(label − mean label)²."""
        return self._call_java("r2")


@inherit_doc
class HyperbolicRegressionEvaluator(
    JavaEvaluator,
    HasLabelCol,
    HasPredictionCol,
    JavaMLReadable["HyperbolicRegressionEvaluator"],
    JavaMLWritable,
):
    """
    Scores a :py:class:`HyperbolicRegressionModel`'s predictions against the labels; smaller is
    better for both metrics (``isLargerBetter()`` is False), so ``CrossValidator`` keeps the model
    nearest the truth. ``metricName``:

    - ``loss`` (default): the objective's own data loss on the evaluated rows, without the
      regularizer. plain: ½Σ(p − b)². softmax: ½Σ(p/Σp − b/Σb)², its loss with the labels
      normalised over the evaluated rows as the estimator normalises its training rows (p/Σp is
      the softmax of a·x over these rows). rescaled: the same, which is the rescaled loss
      ½‖u − αb̃‖² divided by α² (u = f(a·x), α = Σu) — undivided, it would favour the model with
      the smallest f(a·x) rather than the best fit.
    - ``rmse``: √(mean (p − b)²), on the labels' scale.

    Set ``objective`` to the fitted model's.
    """

    _java_class_name = "dev.hyperreg.ml.HyperbolicRegressionEvaluator"

    metricName: "Param[str]" = Param(
        Params._dummy(),
        "metricName",
        "loss (the objective's own data loss, label shares for rescaled and softmax) or rmse (on "
        "the labels' scale); smaller is better for both",
        typeConverter=_lower_case_among(lambda: ("loss", "rmse")),
    )
    objective: "Param[str]" = Param(
        Params._dummy(),
        "objective",
        "the fitted model's objective: rescaled, plain or softmax",
        typeConverter=_lower_case_choice("ObjectiveKind"),
    )

    _input_kwargs: Dict[str, Any]

    @keyword_only
    def __init__(
        self,
        *,
        predictionCol: str = "prediction",
        labelCol: str = "label",
        metricName: str = "loss",
        objective: str = "rescaled",
    ):
        """
        __init__(self, \\*, predictionCol="prediction", labelCol="label", metricName="loss", \
                 objective="rescaled")
        """
        super().__init__()
        self._java_obj = self._new_java_obj(self._java_class_name, self.uid)
        self._setDefault(metricName="loss", objective="rescaled")
        kwargs = self._input_kwargs
        self._set(**kwargs)

    @keyword_only
    def setParams(
        self,
        *,
        predictionCol: str = "prediction",
        labelCol: str = "label",
        metricName: str = "loss",
        objective: str = "rescaled",
    ) -> "HyperbolicRegressionEvaluator":
        """Sets params for the evaluator."""
        kwargs = self._input_kwargs
        return self._set(**kwargs)

    def getMetricName(self) -> str:
        """Gets the value of metricName or its default value."""
        return self.getOrDefault(self.metricName)

    def getObjective(self) -> str:
        """Gets the value of objective or its default value."""
        return self.getOrDefault(self.objective)

    def setMetricName(self, value: str) -> "HyperbolicRegressionEvaluator":
        """Sets the value of :py:attr:`metricName`."""
        return self._set(metricName=value)

    def setObjective(self, value: str) -> "HyperbolicRegressionEvaluator":
        """Sets the value of :py:attr:`objective`."""
        return self._set(objective=value)

    def setLabelCol(self, value: str) -> "HyperbolicRegressionEvaluator":
        """Sets the value of :py:attr:`labelCol`."""
        return self._set(labelCol=value)

    def setPredictionCol(self, value: str) -> "HyperbolicRegressionEvaluator":
        """Sets the value of :py:attr:`predictionCol`."""
        return self._set(predictionCol=value)
