package dev.hyperreg.spark.cli;

import dev.hyperreg.spark.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * picocli's parse errors in this tool's words: each names the option and the value that was wrong
 * ("--max-iter expects a whole number, got 'many'", "unknown option --colour (see hyperreg fit
 * --help)"), as the job's own validation messages do.
 */
final class ParameterErrors {
  private ParameterErrors() {}

  static String message(ParameterException e) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandName();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String first = unmatched.getUnmatched().get(0);
      if (command.getParent() == null) return "unknown command '" + first + "' (see hyperreg --help)";
      return first.startsWith("-") ? "unknown option " + first + " (see hyperreg " + name + " --help)"
          : "unexpected argument '" + first + "'";
    }
    if (e instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()
        && missing.getMissing().get(0) instanceof OptionSpec option) {
      return option.longestName() + " needs a value";
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UsageException) return cause.getMessage();
      if (cause instanceof CommandLine.TypeConversionException) return named(e.getArgSpec(), cause.getMessage());
    }
    return e.getMessage();
  }

  /** "--option message", or "--option: message" when the message starts with a colon. */
  static String named(ArgSpec spec, String message) {
    String option = spec instanceof OptionSpec o ? o.longestName() : spec == null ? "" : spec.paramLabel();
    return option + (message.startsWith(":") ? "" : " ") + message;
  }
}
