package dev.hyperreg.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.hyperreg.core.objective.ObjectiveKind;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every hyperreg class that crosses the wire under Kryo: the cached row blocks (when they
 * spill or are replicated), the per-task pass sums, the aggregators broadcast with the point x, and
 * the parsed rows of the input shuffle. Set it with
 * {@code spark.serializer=org.apache.spark.serializer.KryoSerializer} and
 * {@code spark.kryo.registrator=dev.hyperreg.spark.HyperregKryoRegistrator}; it adds to Spark's own
 * registrations and to any other registrator listed in the same key (comma separated), so a
 * user's registrator keeps working. With {@code spark.kryo.registrationRequired=true} (an opt-in:
 * see conf/spark-defaults.conf.template) an unregistered class fails the job instead of being
 * written with its full name.
 *
 * <p>Plain classes use Kryo's field serializer. Java records are written with Java serialization:
 * the Kryo 4 that Spark ships sets final fields through Unsafe field offsets, which the JDK refuses
 * for record classes; records here are small (aggregators holding x, a few scalars).
 */
public final class HyperregKryoRegistrator implements KryoRegistrator {
  /** Classes written field by field (and every objective's terms class, {@link ObjectiveKind#termsClass()}). */
  static final String[] FIELD_SERIALIZED = {
      "dev.hyperreg.core.data.DenseRowBlock",
      "dev.hyperreg.core.data.SparseRowBlock",
      "dev.hyperreg.core.objective.PassSums",
      "dev.hyperreg.core.sketch.HeavyRows",
      "dev.hyperreg.core.sketch.TopRows",
      "dev.hyperreg.core.sketch.PrioritySample",
      "dev.hyperreg.core.objective.Objective",
      "dev.hyperreg.core.objective.Link",
      "dev.hyperreg.core.objective.ObjectiveKind",
      "dev.hyperreg.core.objective.ObjectiveFunction$ObjectivePass",
      "dev.hyperreg.core.objective.ObjectiveFunction$LadderPass",
      "dev.hyperreg.core.objective.ObjectiveFunction$DesignGramPass",
      "[Ldev.hyperreg.core.objective.PassSums;",
      "dev.hyperreg.core.solver.StartingPoint$NormalEquations",
      "dev.hyperreg.core.solver.StartingPoint$InverseLinkFit",
      "dev.hyperreg.core.solver.StartingPoint$SampledFit",
      "dev.hyperreg.core.solver.StartingPoint$SampledInverseLinkFit",
      "dev.hyperreg.core.solver.LeastSquaresPass$Sums",
      "dev.hyperreg.core.solver.LeastSquaresPass",
      "dev.hyperreg.core.shift.SensitivityPasses$Globals",
      "dev.hyperreg.core.shift.SensitivityPasses$LocalSums",
      "dev.hyperreg.core.shift.ResponsePasses$ShiftSums",
      "dev.hyperreg.core.shift.ShiftSensitivity$WorstShift",
      "dev.hyperreg.spark.io.LibsvmInput$Stats",
      "dev.hyperreg.spark.io.LibsvmInput$BlockStats",
      "dev.hyperreg.spark.io.ParsedRow",
      "dev.hyperreg.spark.bench.Benchmark$BarePass",
  };

  /** Records (and what holds them), written with Java serialization. */
  static final String[] JAVA_SERIALIZED = {
      "dev.hyperreg.core.objective.PassRequest",
      "dev.hyperreg.core.sketch.SketchSpec",
      "dev.hyperreg.core.sketch.RowSampling",
      "dev.hyperreg.core.shift.RandomPerturbation",
      "dev.hyperreg.core.shift.RandomPerturbation$NormPass",
      "dev.hyperreg.core.shift.DataShift$Paired",
      "dev.hyperreg.core.shift.DataShift$ShiftedOnly",
      "dev.hyperreg.core.shift.SensitivityPasses$GlobalsPass",
      "dev.hyperreg.core.shift.SensitivityPasses$AlphaPass",
      "dev.hyperreg.core.shift.FirstOrderResponse$RowTerms",
      "dev.hyperreg.core.shift.SensitivityPasses$LocalPass",
      "dev.hyperreg.core.shift.ResponsePasses$ShiftPass",
      "dev.hyperreg.core.shift.ResponsePasses$OutputPass",
      "dev.hyperreg.core.shift.ResponsePasses$EquivalencePass",
      "dev.hyperreg.spark.io.HadoopConf",
      "dev.hyperreg.spark.bench.BenchProblems$Problem",
      "dev.hyperreg.spark.job.PlantedData",
  };

  /** JDK, Scala and Spark ML types the passes, the input shuffle and the estimator send that Spark leaves unregistered. */
  static final Class<?>[] OTHERS = {
      double[].class, double[][].class, double[][][].class, long[].class, int[].class, int[][].class,
      boolean[].class, Object[].class, String[].class, scala.Tuple2.class, scala.Tuple2[].class,
      org.apache.spark.api.java.Optional.class,
      org.apache.spark.ml.linalg.VectorUDT.class,
  };

  @Override
  public void registerClasses(Kryo kryo) {
    for (String name : FIELD_SERIALIZED) kryo.register(load(name));
    // each objective's terms ride inside every Objective; the enumeration names them, so a new one is not missed
    for (ObjectiveKind kind : ObjectiveKind.values()) kryo.register(kind.termsClass());
    JavaSerializer java = new JavaSerializer();
    for (String name : JAVA_SERIALIZED) kryo.register(load(name), java);
    for (Class<?> c : OTHERS) kryo.register(c);
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, HyperregKryoRegistrator.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("HyperregKryoRegistrator lists a class that does not exist: " + name, e);
    }
  }
}
