package dev.hyperreg.spark.exec;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session hyperreg's commands and the benchmark run in. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session for a command: the master from spark-submit, else --master, else local[*]. Each pass
   * returns one set of sums per task — up to an m × d sketch (20d² doubles: 160 MB at d = 1000) —
   * so unless the user set it, spark.driver.maxResultSize is raised from 1g to 8g.
   */
  public static SparkSession.Builder builder(String appName, String master, boolean existing) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    SparkConf conf = new SparkConf();
    if (!existing && !conf.contains("spark.master")) builder.master(master != null ? master : "local[*]");
    if (!existing && !conf.contains("spark.driver.maxResultSize")) builder.config("spark.driver.maxResultSize", "8g");
    return builder;
  }
}
