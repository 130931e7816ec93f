package dev.hyperreg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.core.data.InMemoryPassRunner;
import dev.hyperreg.core.data.RowBlock;
import dev.hyperreg.core.data.RowBlockBuilder;
import dev.hyperreg.core.objective.Link;
import dev.hyperreg.core.objective.Objective;
import dev.hyperreg.core.objective.ObjectiveFunction;
import dev.hyperreg.core.objective.ObjectiveKind;
import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.cli.HyperregCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag$;

/** Kryo with the project's registrator, registration required: round trips, then whole jobs. */
class KryoTest {
  private static final Path DATA = Path.of("..", "test-data");
  @TempDir Path dir;

  static final Map<String, String> KRYO_REQUIRED = Map.of(
      "spark.serializer", KryoSerializer.class.getName(),
      "spark.kryo.registrator", HyperregKryoRegistrator.class.getName(),
      "spark.kryo.registrationRequired", "true");

  private static SerializerInstance kryo() {
    SparkConf conf = new SparkConf(false);
    KRYO_REQUIRED.forEach(conf::set);
    return new KryoSerializer(conf).newInstance();
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(SerializerInstance kryo, T value) {
    Object copy = kryo.deserialize(kryo.serialize(value, ClassTag$.MODULE$.Any()), ClassTag$.MODULE$.Any());
    return (T) copy;
  }

  @Test
  void blocksAndPassSumsRoundTripUnderRequiredRegistration() {
    SerializerInstance kryo = kryo();
    for (double density : new double[] {1.0, 0.1}) {
      double[][] a = TestFiles.randomDesign(3, 50, 8, density);
      RowBlockBuilder builder = new RowBlockBuilder(8, -1, 0.1);
      for (int i = 0; i < a.length; i++) {
        double[] row = a[i];
        int[] idx = java.util.stream.IntStream.range(0, 8).filter(j -> row[j] != 0).toArray();
        double[] vals = java.util.Arrays.stream(idx).mapToDouble(j -> row[j]).toArray();
        builder.add(i, 0.5 + 0.01 * i, idx, vals);
      }
      RowBlock block = builder.build();
      RowBlock copy = roundTrip(kryo, block);
      assertEquals(block.getClass(), copy.getClass());
      for (int i = 0; i < block.rows(); i++) {
        assertEquals(block.rowId(i), copy.rowId(i));
        assertEquals(block.label(i), copy.label(i));
        assertEquals(block.regWeightSquared(i), copy.regWeightSquared(i));
        for (int j = 0; j < 8; j++) assertEquals(block.get(i, j), copy.get(i, j));
      }
      Objective objective = new Objective(ObjectiveKind.RESCALED, Link.EXP, 8, 0.01, -1);
      double[] x = new double[8];
      x[0] = 0.3;
      ObjectiveFunction direct = new ObjectiveFunction(objective, new InMemoryPassRunner(List.of(block)));
      ObjectiveFunction copied = new ObjectiveFunction(roundTrip(kryo, objective), new InMemoryPassRunner(List.of(copy)));
      assertArrayEquals(direct.evaluate(x, true, "t").hessian(), copied.evaluate(x, true, "t").hessian(), 0.0);
    }
  }

  /**
   * A parsed row (the rows a shift analysis joins and predict scores) goes field by field: a 50-entry
   * row round-trips in its arrays' bytes plus a few dozen, under what Java serialization (Kryo's
   * fallback for records) writes.
   */
  @Test
  void parsedRowsAreWrittenFieldByField() {
    SerializerInstance kryo = kryo();
    int[] indices = java.util.stream.IntStream.range(0, 50).map(k -> 7 * k + 3).toArray();
    double[] values = java.util.stream.IntStream.range(0, 50).mapToDouble(k -> Math.sqrt(k + 2)).toArray();
    dev.hyperreg.spark.io.ParsedRow row = new dev.hyperreg.spark.io.ParsedRow((3L << 40) + 12345, 0.25, Double.NaN,
        indices, values);
    dev.hyperreg.spark.io.ParsedRow copy = roundTrip(kryo, row);
    assertEquals(row.rowId(), copy.rowId());
    assertEquals(row.label(), copy.label());
    assertTrue(Double.isNaN(copy.regWeight()));
    assertArrayEquals(indices, copy.indices());
    assertArrayEquals(values, copy.values(), 0.0);
    int kryoBytes = kryo.serialize(row, ClassTag$.MODULE$.Any()).remaining();
    int javaBytes = new org.apache.spark.serializer.JavaSerializer(new SparkConf(false)).newInstance()
        .serialize(row, ClassTag$.MODULE$.Any()).remaining();
    // the arrays' payload (8 and 4 bytes an entry) plus a few dozen bytes of fields and lengths,
    // where Java serialization adds its class descriptors (779 bytes for this row)
    assertTrue(kryoBytes <= 50 * 8 + 50 * 4 + 40, "Kryo " + kryoBytes + " bytes, Java " + javaBytes);
    assertTrue(kryoBytes < javaBytes, "Kryo " + kryoBytes + " bytes, Java " + javaBytes);
  }

  @Test
  void everyListedClassExistsAndRegisters() {
    SerializerInstance kryo = kryo();   // newInstance ran the registrator: a missing class would have thrown
    assertTrue(HyperregKryoRegistrator.FIELD_SERIALIZED.length + HyperregKryoRegistrator.JAVA_SERIALIZED.length > 20);
    assertEquals("x", roundTrip(kryo, "x"));
  }

  /**
   * A fit (sketch and exact solvers), a shift analysis and the estimator example in their own JVMs with Kryo and
   * spark.kryo.registrationRequired=true, on four partitions of local[2]: every task result, shuffle
   * and broadcast goes through Kryo, and the coefficients equal those of the default serializer.
   */
  @Test
  void wholeJobsRunWithRegistrationRequired() throws Exception {
    Map<String, String> properties = new java.util.HashMap<>(KRYO_REQUIRED);
    properties.put("spark.master", "local[2]");
    properties.put("spark.ui.enabled", "false");
    properties.put("spark.driver.host", "127.0.0.1");
    properties.put("spark.driver.bindAddress", "127.0.0.1");
    properties.put("log4j.configurationFile", Path.of("..", "conf", "log4j2.properties").toAbsolutePath().toString());
    String input = DATA.resolve("rescaled-exp.libsvm").toString();
    for (String solver : List.of("newton-cg", "sketch", "exact")) {
      Path out = dir.resolve("kryo-" + solver);
      try (ChildJvm job = ChildJvm.start(dir.resolve(solver + ".log"), properties, Map.of(), ChildJvm.testClasspath(),
          HyperregCli.class.getName(), "fit", "--input", input, "--reg-weight", "0.01", "--solver", solver,
          "--partitions", "4", "--output", out.toString())) {
        assertEquals(0, job.waitFor(300), job.output());
      }
      Path reference = dir.resolve("java-" + solver);
      CliRun r = CliRun.run("fit", "--input", input, "--reg-weight", "0.01", "--solver", solver,
          "--partitions", "4", "--output", reference.toString());
      assertEquals(0, r.status(), r.err());
      // Spark merges the last level's results as they arrive, so sums may round differently from run
      // to run; a CG solve can then take one step more or fewer, and newton-cg lands elsewhere within
      // its tolerance (1e-10 relative) instead of within rounding
      assertArrayEquals(coefficients(reference), coefficients(out), solver.equals("newton-cg") ? 1e-9 : 1e-12);
    }
    // CSV read as text in five splits (its own row ids: byte offsets of its lines)
    List<String> csv = new java.util.ArrayList<>(List.of("label,f1,f2,f3,f4,f5,f6"));
    for (String line : Files.readAllLines(DATA.resolve("rescaled-exp.libsvm"))) {
      String[] tokens = line.trim().split("\\s+");
      double[] row = new double[6];
      for (int t = 1; t < tokens.length; t++) {
        String[] kv = tokens[t].split(":");
        row[Integer.parseInt(kv[0]) - 1] = Double.parseDouble(kv[1]);
      }
      StringBuilder sb = new StringBuilder(tokens[0]);
      for (double v : row) sb.append(',').append(v);
      csv.add(sb.toString());
    }
    Path csvFile = dir.resolve("rescaled-exp.csv");
    Files.write(csvFile, csv);
    Path csvOut = dir.resolve("kryo-csv");
    try (ChildJvm job = ChildJvm.start(dir.resolve("csv.log"), properties, Map.of(), ChildJvm.testClasspath(),
        HyperregCli.class.getName(), "fit", "--input", csvFile.toString(), "--format", "csv", "--reg-weight", "0.01",
        "--solver", "sketch", "--partitions", "5", "--output", csvOut.toString())) {
      assertEquals(0, job.waitFor(300), job.output());
    }
    Path csvReference = dir.resolve("java-csv");
    CliRun csvRun = CliRun.run("fit", "--input", csvFile.toString(), "--format", "csv", "--reg-weight", "0.01",
        "--solver", "sketch", "--partitions", "5", "--output", csvReference.toString());
    assertEquals(0, csvRun.status(), csvRun.err());
    assertArrayEquals(coefficients(csvReference), coefficients(csvOut), 1e-12);

    Path shift = dir.resolve("kryo-shift");
    try (ChildJvm job = ChildJvm.start(dir.resolve("shift.log"), properties, Map.of(), ChildJvm.testClasspath(),
        HyperregCli.class.getName(), "shift", "--input", input, "--reg-weight", "0.01", "--solver", "exact",
        "--perturb", "A:1e-4", "--direction", "worst", "--sweep", "0.5,1", "--output", shift.toString())) {
      assertEquals(0, job.waitFor(300), job.output());
    }
    JsonNode s = new ObjectMapper().readTree(shift.resolve("shift.json").toFile());
    assertTrue(s.get("solutionShiftNorm").asDouble() > 0);
    // the Spark ML estimator: DataFrame in, model saved and loaded
    try (ChildJvm job = ChildJvm.start(dir.resolve("example.log"), properties, Map.of(), ChildJvm.testClasspath(),
        HyperregCli.class.getName(), "example", "--data", DATA.resolve("softmax.libsvm").toString(), "--output",
        dir.resolve("kryo-model").toString())) {
      assertEquals(0, job.waitFor(300), job.output());
    }
  }

  private static double[] coefficients(Path fit) throws Exception {
    return Files.readAllLines(fit.resolve("coefficients.txt")).stream().mapToDouble(Double::parseDouble).toArray();
  }
}
