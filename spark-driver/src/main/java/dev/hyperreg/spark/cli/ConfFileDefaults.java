package dev.hyperreg.spark.cli;

import dev.hyperreg.spark.StorageFailure;
import dev.hyperreg.spark.UsageException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A {@code --conf-file} of job properties as the defaults of {@code fit} and {@code shift}: one
 * {@code option = value} per line (java.util.Properties syntax), the option named without its
 * dashes, flags taking true or false. Options on the command line override the file; the
 * {@code --no-…} form of a flag switches off what the file switched on. The file is read from any
 * Hadoop file system; a path without a scheme is a local file (as spark-submit's {@code --files}
 * leaves it), not one on the cluster's default file system. Every key and value is checked when
 * the file is read, and every error names the file and the key.
 */
final class ConfFileDefaults implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> values;

  private ConfFileDefaults(Map<String, String> values) { this.values = values; }

  /**
   * When the command line names a {@code --conf-file} for a command that takes one, reads it and
   * makes it that command's defaults.
   */
  static void install(CommandLine root, String[] args) {
    if (args.length == 0 || !(args[0].equals("fit") || args[0].equals("shift"))) return;
    String path = null;
    for (int i = 1; i + 1 < args.length; i++) if (args[i].equals("--conf-file")) path = args[i + 1];
    if (path == null) return;
    CommandLine command = root.getSubcommands().get(args[0]);
    command.setDefaultValueProvider(read(path, command, new Configuration()));
  }

  static ConfFileDefaults read(String path, CommandLine command, Configuration conf) {
    Properties properties = new Properties();
    Path p = new Path(path);
    try {
      FileSystem fs = p.toUri().getScheme() == null ? FileSystem.getLocal(conf) : p.getFileSystem(conf);
      try (Reader reader = new InputStreamReader(fs.open(p), StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
    } catch (IOException e) {
      throw StorageFailure.of("cannot read --conf-file " + path, e);
    } catch (IllegalArgumentException e) {
      throw new UsageException("cannot read --conf-file " + path + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      String name = "--" + key.trim();
      String value = properties.getProperty(key).trim();
      String where = "--conf-file " + path + ": " + key + ": ";
      if (name.equals("--conf-file")) throw new UsageException(where + "a --conf-file cannot name another");
      OptionSpec option = command.getCommandSpec().findOption(name);
      if (option == null || option.usageHelp() || !option.longestName().equals(name)) {
        throw new UsageException(where + "unknown key (see hyperreg " + command.getCommandName() + " --help)");
      }
      check(option, value, where);
      values.put(name, value);
    }
    return new ConfFileDefaults(values);
  }

  /** Converts the value as the command line would, so that a bad value is reported with its key. */
  private static void check(OptionSpec option, String value, String where) {
    if (option.arity().max() == 0) {
      if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw new UsageException(where + "expects true or false, got '" + value + "'");
      }
      return;
    }
    for (ITypeConverter<?> converter : option.converters()) {
      try {
        converter.convert(value);
      } catch (CommandLine.TypeConversionException e) {
        throw new UsageException(where + ParameterErrors.named(option, e.getMessage()));
      } catch (Exception e) {
        throw new UsageException(where + e.getMessage());
      }
    }
  }

  @Override public String defaultValue(CommandLine.Model.ArgSpec spec) {
    return spec instanceof OptionSpec option ? values.get(option.longestName()) : null;
  }
}
