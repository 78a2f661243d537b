package io.labrun.app;

import java.lang.management.ManagementFactory;

/**
 * {@code LABRUN_TRACE=1}: prints how long each phase of a command took, for finding where start-up
 * time goes (see docs/benchmarks.md). Costs nothing when off.
 */
public final class Trace {
  private static final boolean ON = "1".equals(System.getenv("LABRUN_TRACE"));
  private static final long T0 = System.nanoTime();

  private Trace() {}

  public static void mark(String phase) {
    if (ON) {
      long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
      System.err.printf(
          "[trace] %-28s %6.1f ms since main, %6d ms since JVM start%n",
          phase, (System.nanoTime() - T0) / 1e6, System.currentTimeMillis() - jvmStart);
    }
  }
}
