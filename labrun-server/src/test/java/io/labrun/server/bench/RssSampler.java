package io.labrun.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a process's resident memory (VmRSS) every 250 ms; reads its peak (VmHWM) and CPU time
 * from /proc.
 */
final class RssSampler implements AutoCloseable {
  private final long pid;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private volatile long maxKib;

  RssSampler(long pid) {
    this.pid = pid;
    timer.scheduleAtFixedRate(
        () -> maxKib = Math.max(maxKib, field("VmRSS:")), 0, 250, TimeUnit.MILLISECONDS);
  }

  long maxSampledKib() {
    return maxKib;
  }

  long peakKib() {
    return field("VmHWM:");
  }

  double cpuSeconds() {
    try {
      String[] f =
          Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12]))
          / 100.0; // utime + stime, in clock ticks of 10 ms
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    return 0;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
