package dev.hyperreg.spark.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperreg.spark.InputFormatException;
import dev.hyperreg.spark.StorageFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The iterate of a running fit, saved after every iteration under {@code --checkpoint DIR} on any
 * Hadoop file system, so that a fit whose driver died can continue ({@code --resume}) from the last
 * completed iteration instead of from scratch.
 *
 * <p>Each save writes {@code iterate-NNNNNN.json} under a temporary name and renames it into place
 * (a rename is atomic on HDFS and local disks), then removes the older ones: at every moment the
 * newest complete iterate is on disk. Each file carries a fingerprint of the job (input, objective,
 * regularization, solver, n, d, non-zeros); resuming with a different job is refused.
 */
public final class Checkpoint {
  private static final String PREFIX = "iterate-";
  private static final String SUFFIX = ".json";

  private final Path dir;
  private final FileSystem fs;
  private final Map<String, Object> fingerprint;
  private final ObjectMapper json = new ObjectMapper();

  public Checkpoint(String dir, Configuration conf, Map<String, Object> fingerprint) {
    this.dir = new Path(dir);
    this.fingerprint = fingerprint;
    try {
      this.fs = this.dir.getFileSystem(conf);
      fs.setWriteChecksum(false);
    } catch (IOException e) {
      throw StorageFailure.of("cannot open the file system of --checkpoint " + dir, e);
    }
  }

  /**
   * A saved iterate: the iteration it completed (counted over every run of the job), its point, and
   * log ‖∇L‖ at the job's original start (NaN if unknown), which the gradient test stays relative to.
   */
  public record Saved(int iteration, double[] coefficients, double logGradientReference) {}

  /**
   * The newest saved iterate, or null when there is none. Refuses (exit status 2) a checkpoint
   * written by a different job.
   */
  public Saved latest() {
    try {
      if (!fs.exists(dir)) return null;
      Path newest = null;
      int newestIteration = -1;
      for (FileStatus status : fs.listStatus(dir)) {
        String name = status.getPath().getName();
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) continue;
        int k;
        try {
          k = Integer.parseInt(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        if (k > newestIteration) {
          newestIteration = k;
          newest = status.getPath();
        }
      }
      if (newest == null) return null;
      JsonNode saved;
      try (InputStream in = fs.open(newest)) {
        saved = json.readTree(in);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw corrupt(newest, "it is not valid JSON (" + e.getOriginalMessage() + ")");
      }
      checkIntact(newest, saved, newestIteration);
      Map<String, Object> was = json.convertValue(saved.get("fingerprint"), LinkedHashMap.class);
      for (Map.Entry<String, Object> e : fingerprint.entrySet()) {
        Object before = was == null ? null : was.get(e.getKey());
        if (!Objects.equals(String.valueOf(before), String.valueOf(e.getValue()))) {
          throw new InputFormatException(String.format("--checkpoint %s was written by a different job: %s was %s,"
              + " is now %s; choose another --checkpoint directory or delete this one", dir, e.getKey(), before,
              e.getValue()));
        }
      }
      JsonNode reference = saved.get("logGradientReference");
      return new Saved(saved.get("iteration").asInt(), json.convertValue(saved.get("coefficients"), double[].class),
          reference == null || !reference.isNumber() ? Double.NaN : reference.asDouble());
    } catch (IOException e) {
      throw StorageFailure.of("cannot read --checkpoint " + dir, e);
    }
  }

  /**
   * A saved iterate must be whole before a fit resumes from it: a JSON object whose iteration is
   * the one its name says and whose coefficients are finite numbers. Anything else — a file cut
   * short by a crash of the storage, edited by hand, or damaged — is bad input that a retry will not
   * mend (exit 2), never a reason to start over silently.
   */
  private static void checkIntact(Path file, JsonNode saved, int iteration) {
    if (saved == null || !saved.isObject()) throw corrupt(file, "it is empty or not a JSON object");
    JsonNode k = saved.get("iteration");
    if (k == null || !k.canConvertToInt() || k.asInt() != iteration) {
      throw corrupt(file, "its \"iteration\" is " + k + " where its name says " + iteration);
    }
    JsonNode x = saved.get("coefficients");
    if (x == null || !x.isArray() || x.isEmpty()) throw corrupt(file, "it has no \"coefficients\" array");
    for (int j = 0; j < x.size(); j++) {
      if (!x.get(j).isNumber() || !Double.isFinite(x.get(j).asDouble())) {
        throw corrupt(file, "coefficient " + (j + 1) + " is " + x.get(j) + ", not a finite number");
      }
    }
  }

  private static InputFormatException corrupt(Path file, String what) {
    return new InputFormatException("checkpoint file " + file + " is corrupt: " + what + ". --resume will not"
        + " start over from it: restore the file, or delete it (or the whole --checkpoint directory) to fit afresh");
  }

  /** Removes every saved iterate: a fit that does not resume starts its checkpoint afresh. */
  public void clear() {
    try {
      if (!fs.exists(dir)) return;
      for (FileStatus status : fs.listStatus(dir)) {
        String name = status.getPath().getName();
        if (name.startsWith(PREFIX) || name.startsWith("." + PREFIX)) fs.delete(status.getPath(), false);
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot clear the checkpoint " + dir, e);
    }
  }

  /** Saves the iterate of the given iteration (atomically), then drops older ones. */
  public void save(int iteration, double[] coefficients, double logGradientReference) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("iteration", iteration);
    content.put("coefficients", coefficients);
    content.put("logGradientReference", Double.isFinite(logGradientReference) ? logGradientReference : null);
    content.put("fingerprint", fingerprint);
    String name = String.format("%s%06d%s", PREFIX, iteration, SUFFIX);
    Path temporary = new Path(dir, "." + name + ".tmp");
    Path target = new Path(dir, name);
    try {
      fs.mkdirs(dir);
      try (OutputStream out = fs.create(temporary, true)) {
        out.write(json.writeValueAsString(content).getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(target)) fs.delete(target, false);
      // Hadoop's rename reports failure by returning false rather than throwing
      if (!fs.rename(temporary, target)) throw new IOException("cannot rename " + temporary + " to " + target);
      for (FileStatus status : fs.listStatus(dir)) {
        String other = status.getPath().getName();
        if (other.startsWith(PREFIX) && other.endsWith(SUFFIX) && other.compareTo(name) < 0) {
          fs.delete(status.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot write the checkpoint " + target, e);
    }
  }
}
