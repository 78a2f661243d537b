package io.labrun.core.error;

/**
 * Every exit code the {@code labrun} command can return, in one place. The numbers are part of the
 * user-facing contract (scripts test them) and are listed in {@code docs/user-guide.md}.
 */
public enum ExitCode {
  OK(0, "success"),
  /** The run itself failed: the script exited non-zero, was canceled, timed out or was lost. */
  RUN_FAILED(1, "the run ended Failed, Canceled or Lost"),
  BAD_INPUT(
      2,
      "bad input: usage, a malformed or invalid file, an unknown name, a script to submit that is"
          + " not in the project"),
  NOT_FOUND(3, "a run, artifact or file that was asked for does not exist"),
  ENVIRONMENT(4, "the environment could not be prepared (interpreter, image, dependencies)"),
  TARGET_UNAVAILABLE(
      5, "the compute target could not be reached (daemon down, host unreachable, login refused)"),
  STORE(6, "the run history or the data folder could not be read or written"),
  INTERNAL(70, "a bug in labrun: please report it with the output of the command");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
