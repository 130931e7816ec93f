"""
``hyperreg.progress``: the fits' progress lines — one per Newton iteration and one for the
outcome, the text ``hyperreg fit`` logs — printed while the fits inside a ``with`` block run (in
a notebook: under the running cell).

The fit runs in the JVM and the driver's log does not reach a notebook, so the estimator also
publishes its lines to ``dev.hyperreg.ml.FitProgress`` in the driver JVM; a daemon thread here
polls it every ``interval`` seconds over py4j, and leaving the block polls once more (the lines
are published before ``fit`` returns), so the output is complete whatever the timing.
"""

import sys
import threading
import warnings
from typing import TYPE_CHECKING, Any, List, Optional, Set, TextIO, Union

if TYPE_CHECKING:
    from hyperreg.ml import HyperbolicRegression

__all__ = ["progress"]


class progress:
    """
    Context manager printing the progress lines of the hyperreg fits run inside it::

        with hyperreg.progress():
            model = estimator.fit(df)          # also cv.fit(df), pipeline.fit(df)

    Parameters
    ----------
    *estimators : HyperbolicRegression or str
        follow only these estimators (or uids); copies keep the uid, so the fits a Pipeline or
        CrossValidator makes of an estimator are followed too. None given: every hyperreg fit.
    interval : float
        seconds between polls.
    file : text stream
        where the lines go (default: sys.stdout at the time of each line).
    """

    def __init__(
        self,
        *estimators: Union["HyperbolicRegression", str],
        interval: float = 0.5,
        file: Optional[TextIO] = None,
    ):
        self._uids: Set[str] = {e if isinstance(e, str) else e.uid for e in estimators}
        self._interval = interval
        self._file = file
        self._hook: Any = None
        self._seen = 0
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._failure: Optional[BaseException] = None
        self._lock = threading.Lock()

    def __enter__(self) -> "progress":
        from pyspark import SparkContext

        sc = SparkContext._active_spark_context
        if sc is None:
            raise RuntimeError("hyperreg.progress needs a running SparkSession (with spark.jars = hyperreg.jars())")
        self._hook = sc._jvm.dev.hyperreg.ml.FitProgress
        self._seen = int(self._hook.latest())
        self._thread = threading.Thread(target=self._run, name="hyperreg-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._failure is None:
            try:
                self._print(self._poll())
            except Exception as e:  # progress must never hide the fit's own outcome
                self._failure = e
        if self._failure is not None:
            warnings.warn("hyperreg.progress stopped: %s" % self._failure, RuntimeWarning)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._print(self._poll())
            except Exception as e:
                self._failure = e
                return

    def _poll(self) -> List[str]:
        with self._lock:
            lines = []
            for entry in self._hook.since(self._seen):
                number, uid, text = str(entry).split(" ", 2)
                self._seen = int(number)
                if not self._uids or uid in self._uids:
                    lines.append("%s %s" % (uid, text))
            return lines

    def _print(self, lines: List[str]) -> None:
        with self._lock:
            out = self._file if self._file is not None else sys.stdout
            for line in lines:
                print(line, file=out, flush=True)
