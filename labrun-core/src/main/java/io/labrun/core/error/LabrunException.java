package io.labrun.core.error;

/**
 * An error the user can cause or fix. Its message is one line that says what is wrong and what to
 * do; the CLI prints it as is, never with a stack trace, and exits with {@link #exitCode()}.
 */
public class LabrunException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public LabrunException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LabrunException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static LabrunException badInput(String message) {
    return new LabrunException(ExitCode.BAD_INPUT, message);
  }

  public static LabrunException notFound(String message) {
    return new LabrunException(ExitCode.NOT_FOUND, message);
  }
}
