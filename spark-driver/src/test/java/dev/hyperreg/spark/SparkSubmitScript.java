package dev.hyperreg.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A Spark distribution's bin/spark-submit, for the deploy scripts under test: Spark's own
 * SparkSubmit on the given class path, with the JVM options the build wrote for Java 17, the
 * SPARK_SUBMIT_OPTS a real spark-class passes on, and HADOOP_CONF_DIR on the class path when set.
 */
public final class SparkSubmitScript {
  private SparkSubmitScript() {}

  /** Writes {@code sparkHome}/bin/spark-submit and returns {@code sparkHome}. */
  public static Path create(Path sparkHome, Path repositoryRoot, List<String> classpath) throws IOException {
    Path bin = Files.createDirectories(sparkHome.resolve("bin"));
    String jvmOptions = Files.readString(repositoryRoot.resolve("spark-driver/target/jvm-options.txt")).trim();
    Path script = bin.resolve("spark-submit");
    Files.writeString(script, "#!/usr/bin/env bash\n"
        + "# shellcheck disable=SC2086\n"
        + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' $SPARK_SUBMIT_OPTS " + jvmOptions
        + " -Xmx512m -cp \"${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}" + String.join(File.pathSeparator, classpath)
        + "\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return sparkHome;
  }
}
