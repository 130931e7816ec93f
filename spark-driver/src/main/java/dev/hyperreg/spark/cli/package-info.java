/**
 * The command line: {@code hyperreg fit|predict|shift|generate|bench|example}, parsed by picocli into
 * the jobs' option holders, {@code --conf-file} job properties as defaults, parse errors in the
 * job's words and exceptions mapped to exit statuses. The top layer: it may use every other package.
 */
package dev.hyperreg.spark.cli;
