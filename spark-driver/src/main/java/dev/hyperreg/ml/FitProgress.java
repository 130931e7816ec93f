package dev.hyperreg.ml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The estimator's progress lines in this driver JVM — one per Newton iteration and one for the
 * outcome, the same text the log gets — kept for pollers that cannot read the driver's log: the
 * PySpark wrapper's {@code hyperreg.progress} reads them over py4j while a fit runs and prints
 * them in the notebook cell. Lines are numbered from 1 in publication order; the newest
 * {@value #KEPT} are kept.
 */
public final class FitProgress {
  static final int KEPT = 10_000;
  private static final ArrayDeque<String> LINES = new ArrayDeque<>();
  private static long published;

  private FitProgress() {}

  static synchronized void publish(String uid, String text) {
    LINES.addLast(uid + " " + text);
    if (LINES.size() > KEPT) LINES.removeFirst();
    published++;
  }

  /** The number of the newest line (0 before any). */
  public static synchronized long latest() { return published; }

  /** The kept lines numbered above {@code after}, oldest first, each "NUMBER UID TEXT". */
  public static synchronized String[] since(long after) {
    List<String> out = new ArrayList<>();
    long number = published - LINES.size();
    for (String line : LINES) {
      number++;
      if (number > after) out.add(number + " " + line);
    }
    return out.toArray(new String[0]);
  }
}
