package io.labrun.core.config;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;

/**
 * A malformed or invalid project file. The message always starts with {@code file:line:column: }
 * (line and column when known), names the key and says what was expected, for example {@code
 * aml_config/gpu.compute:3:7: 'nvidiaDocker' must be true or false, got "yes please"}.
 */
public final class ConfigException extends LabrunException {
  private static final long serialVersionUID = 1L;
  private final String problem;

  public ConfigException(String location, String problem) {
    super(ExitCode.BAD_INPUT, location + ": " + problem);
    this.problem = problem;
  }

  public ConfigException(String location, String problem, Throwable cause) {
    super(ExitCode.BAD_INPUT, location + ": " + problem, cause);
    this.problem = problem;
  }

  /** The message without its location, for a value that came from the command line, not a file. */
  public String problem() {
    return problem;
  }
}
