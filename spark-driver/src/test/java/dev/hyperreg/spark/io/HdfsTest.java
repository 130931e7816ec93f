package dev.hyperreg.spark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperreg.spark.SparkTestSession;
import dev.hyperreg.spark.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a real HDFS (a NameNode and a DataNode started in this JVM from
 * hadoop-client-minicluster): input read from hdfs://, output, checkpoints and the shift report
 * written there, atomically — rename semantics checked, nothing half-written after a failure.
 */
class HdfsTest {
  private static final Path DATA = Path.of("..", "test-data", "rescaled-exp.libsvm");
  private static MiniDFSCluster cluster;
  private static DistributedFileSystem fs;
  private static String root;
  @TempDir static Path base;
  @TempDir Path local;

  @BeforeAll
  static void startHdfs() throws IOException {
    SparkTestSession.get();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("hdfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    fs = cluster.getFileSystem();
    root = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(DATA.toAbsolutePath().toString()),
        new org.apache.hadoop.fs.Path(root + "/data/rescaled-exp.libsvm"));
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) cluster.shutdown();
  }

  private static org.apache.hadoop.fs.Path hdfs(String path) { return new org.apache.hadoop.fs.Path(root + path); }

  private static double[] coefficients(String dir) {
    return PointFile.read(dir + "/coefficients.txt", fs.getConf());
  }

  @Test
  void fitReadsAndWritesHdfsAndEqualsTheLocalFit() throws Exception {
    String out = root + "/runs/fit";
    CliRun r = CliRun.run("fit", "--input", root + "/data/rescaled-exp.libsvm", "--reg-weight", "0.01",
        "--output", out);
    assertEquals(0, r.status(), r.err());
    assertTrue(fs.exists(hdfs("/runs/fit/_SUCCESS")));
    assertTrue(fs.exists(hdfs("/runs/fit/summary.json")));
    String summary = new String(fs.open(hdfs("/runs/fit/summary.json")).readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(summary.contains(root + "/data/rescaled-exp.libsvm"), "summary names the hdfs input");

    CliRun localRun = CliRun.run("fit", "--input", DATA.toString(), "--reg-weight", "0.01", "--output",
        local.resolve("fit").toString());
    assertEquals(0, localRun.status(), localRun.err());
    assertArrayEquals(PointFile.read(local.resolve("fit/coefficients.txt").toString(), new Configuration()),
        coefficients(out), 0.0);

    // the output exists: refused without --overwrite, untouched
    long modified = fs.getFileStatus(hdfs("/runs/fit/summary.json")).getModificationTime();
    CliRun again = CliRun.run("fit", "--input", root + "/data/rescaled-exp.libsvm", "--output", out);
    assertEquals(2, again.status());
    assertEquals(modified, fs.getFileStatus(hdfs("/runs/fit/summary.json")).getModificationTime());

    // --overwrite replaces it in place: HDFS rename would move the new output *into* an existing
    // directory, so the files must land directly under the target, with no nested directory
    CliRun overwritten = CliRun.run("fit", "--input", root + "/data/rescaled-exp.libsvm", "--reg-weight",
        "0.02", "--output", out, "--overwrite");
    assertEquals(0, overwritten.status(), overwritten.err());
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(hdfs("/runs/fit"))) {
      assertFalse(s.isDirectory(), "nested directory " + s.getPath());
      names.add(s.getPath().getName());
    }
    assertEquals(List.of("_SUCCESS", "coefficients.txt", "summary.json"), names.stream().sorted().toList());
    assertTrue(dev.hyperreg.core.linalg.LinearAlgebra.distance(coefficients(out),
        PointFile.read(local.resolve("fit/coefficients.txt").toString(), new Configuration())) > 1e-4);
    assertNoTemporaries("/runs");
  }

  /**
   * A namespace quota on the parent lets the output's temporary directory and its first file be
   * created but not the rest: the commit fails half-way, and neither the target nor a temporary
   * directory is left visible.
   */
  @Test
  void aFailedCommitLeavesNothingBehind() throws Exception {
    fs.mkdirs(hdfs("/quota"));
    // the quota counts /quota itself: 3 = /quota, the temporary directory, one file
    fs.setQuota(hdfs("/quota"), 3, org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET);
    AtomicOutput output = new AtomicOutput(root + "/quota/out", fs.getConf(), false);
    output.add("summary.json", "{}");
    output.add("coefficients.txt", "1\n");
    output.add("more.txt", "2\n");
    RuntimeException failure = assertThrows(RuntimeException.class, () -> output.commit(true));
    assertTrue(failure.getMessage().contains("cannot write --output"), failure.getMessage());
    assertFalse(fs.exists(hdfs("/quota/out")));
    assertEquals(0, fs.listStatus(hdfs("/quota")).length, "no temporary directory left");
    fs.setQuota(hdfs("/quota"), org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_RESET,
        org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET);

    // an --overwrite whose new output cannot be written keeps the old output whole
    AtomicOutput first = new AtomicOutput(root + "/quota/kept", fs.getConf(), false);
    first.add("summary.json", "old");
    first.commit(true);
    long count = fs.getContentSummary(hdfs("/quota")).getFileAndDirectoryCount();
    fs.setQuota(hdfs("/quota"), count + 2, org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET);
    AtomicOutput replacement = new AtomicOutput(root + "/quota/kept", fs.getConf(), true);
    replacement.add("summary.json", "new");
    replacement.add("coefficients.txt", "1\n");
    replacement.add("more.txt", "2\n");
    assertThrows(RuntimeException.class, () -> replacement.commit(true));
    assertEquals("old", new String(fs.open(hdfs("/quota/kept/summary.json")).readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(fs.exists(hdfs("/quota/kept/_SUCCESS")));
    assertEquals(List.of("kept"), java.util.Arrays.stream(fs.listStatus(hdfs("/quota")))
        .map(s -> s.getPath().getName()).toList(), "no temporary or set-aside directory left");
    fs.setQuota(hdfs("/quota"), org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_RESET,
        org.apache.hadoop.hdfs.protocol.HdfsConstants.QUOTA_DONT_SET);
  }

  @Test
  void checkpointAndResumeOnHdfs() throws Exception {
    String input = root + "/data/rescaled-exp.libsvm";
    String checkpoint = root + "/runs/checkpoint";
    CliRun stopped = CliRun.run("fit", "--input", input, "--reg-weight", "0.01", "--max-iter", "2",
        "--checkpoint", checkpoint, "--output", root + "/runs/stopped");
    assertEquals(3, stopped.status(), stopped.err());
    assertFalse(fs.exists(hdfs("/runs/stopped/_SUCCESS")), "not converged: no marker");
    assertTrue(fs.exists(hdfs("/runs/checkpoint/iterate-000002.json")));
    CliRun resumed = CliRun.run("fit", "--input", input, "--reg-weight", "0.01", "--checkpoint", checkpoint,
        "--resume", "--output", root + "/runs/resumed");
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(fs.exists(hdfs("/runs/resumed/_SUCCESS")));
  }

  @Test
  void shiftReportAndJobPropertiesOnHdfs() throws Exception {
    String properties = root + "/conf/job.properties";
    try (var out = fs.create(hdfs("/conf/job.properties"))) {
      out.write(("input = " + root + "/data/rescaled-exp.libsvm\nreg-weight = 0.01\nsolver = exact\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    CliRun r = CliRun.run("shift", "--conf-file", properties, "--perturb", "b:1e-4", "--no-sweep", "--output",
        root + "/runs/shift");
    assertEquals(0, r.status(), r.err());
    assertTrue(fs.exists(hdfs("/runs/shift/_SUCCESS")));
    assertTrue(fs.exists(hdfs("/runs/shift/shift.json")));
  }

  @Test
  void predictReadsAModelAndWritesScoresOnHdfs() throws Exception {
    CliRun fit = CliRun.run("fit", "--input", root + "/data/rescaled-exp.libsvm", "--reg-weight", "0.01",
        "--output", root + "/runs/model");
    assertEquals(0, fit.status(), fit.err());
    CliRun r = CliRun.run("predict", "--model", root + "/runs/model", "--input", root + "/data/rescaled-exp.libsvm",
        "--output", root + "/runs/scores");
    assertEquals(0, r.status(), r.err());
    assertTrue(fs.exists(hdfs("/runs/scores/_SUCCESS")));
    assertEquals(1000, SparkTestSession.get().read().parquet(root + "/runs/scores").count());
    assertNoTemporaries("/runs");
  }

  private static void assertNoTemporaries(String dir) throws IOException {
    for (FileStatus s : fs.listStatus(hdfs(dir))) {
      assertFalse(s.getPath().getName().startsWith("."), "temporary left behind: " + s.getPath());
    }
  }
}
