package dev.hyperreg.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.CliRun;
import dev.hyperreg.spark.SparkSubmitScript;
import dev.hyperreg.spark.io.PointFile;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/yarn/submit.sh against YARN for real: a ResourceManager and a NodeManager
 * (MiniYARNCluster) and HDFS (MiniDFSCluster) in this JVM, from hadoop-client-minicluster; the
 * script's spark-submit is Spark's own SparkSubmit (spark-yarn_2.13 on its class path), whose
 * ApplicationMaster and executors run in YARN containers with the Spark jars given as local:
 * paths. In client and cluster mode the fit of an HDFS file must equal the local[*] fit, and a
 * failing fit's status must reach the caller: exit 2 in client mode; in cluster mode spark-submit's
 * 1 with the script's "submit: hyperreg status 2". The job properties travel with --files in
 * cluster mode. Not covered: Kerberos (MiniKdc, keytab login, delegation tokens).
 */
@Tag("cluster")
class YarnTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static MiniDFSCluster hdfs;
  private static MiniYARNCluster yarn;
  private static DistributedFileSystem fs;
  private static String hdfsRoot;
  private static Path sparkHome;
  private static Path hadoopConf;
  private static String sparkJars;
  private static double[] reference;
  @TempDir static Path base;

  @BeforeAll
  static void startYarnAndHdfs() throws Exception {
    Configuration conf = new YarnConfiguration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    fs = hdfs.getFileSystem();
    hdfsRoot = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    conf.set("fs.defaultFS", hdfsRoot);
    // a small machine: no memory checks that would kill Spark's JVMs for their virtual size,
    // allocations small enough for an AM and two executors, a full disk still "healthy"
    // FIFO: the capacity scheduler wants a capacity-scheduler.xml the minicluster jar does not carry
    conf.set("yarn.resourcemanager.scheduler.class",
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    conf.setInt("yarn.nodemanager.resource.memory-mb", 6144);
    conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
    conf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
    conf.setInt("yarn.scheduler.maximum-allocation-mb", 4096);
    conf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 99.9f);
    yarn = new MiniYARNCluster("hyperreg-yarn", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    // what a client's HADOOP_CONF_DIR would hold: where the ResourceManager and HDFS are (not the
    // minicluster's test settings, such as a rack mapping class that exists only in its jar)
    Configuration site = new Configuration(false);
    for (java.util.Map.Entry<String, String> e : yarn.getConfig()) {
      if (e.getKey().startsWith("yarn.resourcemanager.") && e.getKey().endsWith("address")) {
        site.set(e.getKey(), e.getValue());
      }
    }
    hadoopConf = Files.createDirectories(base.resolve("hadoop-conf"));
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
      site.writeXml(out);
    }
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfsRoot);
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("core-site.xml"))) {
      core.writeXml(out);
    }
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ROOT.resolve("test-data/rescaled-exp.libsvm").toString()),
        new org.apache.hadoop.fs.Path(hdfsRoot + "/data/rescaled-exp.libsvm"));

    // Spark's jars (what `mvn package` resolved for deploy/hyperreg) and spark-yarn
    List<String> jars = new ArrayList<>(List.of(
        Files.readString(ROOT.resolve("spark-driver/target/local-classpath.txt")).trim().split(File.pathSeparator)));
    // spark-yarn is a dependency of the cluster profile only (by name, so the default build compiles this)
    jars.add(Path.of(Class.forName("org.apache.spark.deploy.yarn.Client").getProtectionDomain().getCodeSource()
        .getLocation().toURI()).toString());
    sparkJars = jars.stream().map(j -> "local:" + j).collect(Collectors.joining(","));
    sparkHome = SparkSubmitScript.create(base.resolve("spark-home"), ROOT, jars);

    Path local = base.resolve("local-fit");
    CliRun r = CliRun.run("fit", "--input", ROOT.resolve("test-data/rescaled-exp.libsvm").toString(), "--reg-weight",
        "0.01", "--master", "local[*]", "--output", local.toString());
    assertEquals(0, r.status(), r.err());
    reference = PointFile.read(local.resolve("coefficients.txt").toString(), new Configuration());
  }

  @AfterAll
  static void stop() {
    if (yarn != null) yarn.stop();
    if (hdfs != null) hdfs.shutdown();
  }

  private record Submitted(int status, String output) {}

  private static Submitted submit(String deployMode, Path properties) throws Exception {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("deploy/yarn/submit.sh").toString(),
        "--deploy-mode", deployMode, "--num-executors", "2", "--executor-memory", "512m", "--executor-cores", "1",
        "--driver-memory", "512m",
        "--conf", "spark.yarn.jars=" + sparkJars,
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + System.getProperty("java.home"),
        "--conf", "spark.executorEnv.JAVA_HOME=" + System.getProperty("java.home"),
        "--conf", "spark.yarn.am.memory=512m",
        "--conf", "spark.ui.enabled=false",
        properties.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("HADOOP_CONF_DIR", hadoopConf.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Path log = Files.createTempFile(base, "submit-" + deployMode, ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(8, TimeUnit.MINUTES), "submit.sh did not finish in 8 minutes; its output:\n" + Files.readString(log));
    return new Submitted(p.exitValue(), Files.readString(log));
  }

  private static Path properties(String name, String input, String output) throws IOException {
    Path file = base.resolve(name + ".properties");
    Files.writeString(file, "input = " + input + "\nreg-weight = 0.01\noutput = " + output + "\n",
        StandardCharsets.UTF_8);
    return file;
  }

  private static double[] hdfsCoefficients(String dir) {
    return PointFile.read(dir + "/coefficients.txt", fs.getConf());
  }

  @Test
  void clientAndClusterModeFitEqualsTheLocalFit() throws Exception {
    for (String mode : new String[] {"client", "cluster"}) {
      String out = hdfsRoot + "/runs/" + mode;
      Submitted s = submit(mode, properties("fit-" + mode, hdfsRoot + "/data/rescaled-exp.libsvm", out));
      assertEquals(0, s.status(), mode + " mode:\n" + tail(s.output()));
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/_SUCCESS")), mode + ": no _SUCCESS");
      assertArrayEquals(reference, hdfsCoefficients(out), 1e-10 * maxAbs(reference), mode + " mode");
    }
  }

  @Test
  void aFailingFitsStatusReachesTheCaller() throws Exception {
    String missing = hdfsRoot + "/data/missing.libsvm";
    Submitted client = submit("client", properties("bad-client", missing, hdfsRoot + "/runs/bad-client"));
    assertEquals(2, client.status(), "client mode: hyperreg's own status\n" + tail(client.output()));
    assertTrue(client.output().contains("input not found"), tail(client.output()));
    Submitted cluster = submit("cluster", properties("bad-cluster", missing, hdfsRoot + "/runs/bad-cluster"));
    assertEquals(1, cluster.status(), "cluster mode: spark-submit's status for a FAILED application\n"
        + tail(cluster.output()));
    assertTrue(cluster.output().contains("submit: hyperreg status 2"), tail(cluster.output()));
    for (String dir : new String[] {"/runs/bad-client", "/runs/bad-cluster"}) {
      assertFalse(fs.exists(new org.apache.hadoop.fs.Path(hdfsRoot + dir)), "no output for a failed fit: " + dir);
    }
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static double maxAbs(double[] a) {
    return java.util.Arrays.stream(a).map(Math::abs).max().orElse(0);
  }
}
