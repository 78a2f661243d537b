package io.labrun.ssh;

/**
 * {@code LABRUN_TRACE=1}: prints how long the SSH steps of a command take (connect, log in, each
 * remote command), to find where a remote submit's time goes. Costs nothing when off.
 */
public final class SshTrace {
  private static final boolean ON = "1".equals(System.getenv("LABRUN_TRACE"));

  private SshTrace() {}

  /** Starts timing a step; pass the result to {@link #done}. */
  public static long start() {
    return ON ? System.nanoTime() : 0;
  }

  public static void done(String step, long started) {
    if (ON) {
      System.err.printf(
          "[trace]   ssh %-40s %6.1f ms%n", step, (System.nanoTime() - started) / 1e6);
    }
  }
}
