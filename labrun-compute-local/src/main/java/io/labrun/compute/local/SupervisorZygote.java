package io.labrun.compute.local;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * {@code labrun_zygote.py}: one Python process, started once per labrun process, that starts each
 * run's supervisor by forking itself. A Python start-up costs about as much CPU as a short script
 * itself; forking an interpreter that is up already costs a millisecond. The forked supervisor is
 * exactly the one {@code labrun_supervisor.py STATE_DIR} would be (its own session, detached), so a
 * run outlives this process as before. The zygote reports each supervisor's end, so waiting for a
 * run costs no polling either. It ends with this JVM (end of its stdin).
 */
final class SupervisorZygote implements AutoCloseable {
  private static final long START_WAIT_SECONDS = 30;
  private final Process process;
  private final OutputStream requests;
  private final Map<String, CompletableFuture<Long>> starting = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Void>> readies = new ConcurrentHashMap<>();
  private volatile boolean alive = true;

  /** Notified after each report and when the zygote ends, for {@link #await}. */
  private final Object reports = new Object();

  private SupervisorZygote(Process process) {
    this.process = process;
    this.requests = process.getOutputStream();
    Thread reader = new Thread(this::readReports, "labrun-supervisor-zygote-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static SupervisorZygote start(LocalRuntime runtime, Path dir) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // like a supervisor: the terminal's Ctrl-C is not for it
    }
    // -S -E: no site-packages and no PYTHON* variables for the supervisor itself (its scripts get
    // them)
    cmd.addAll(
        List.of(
            runtime.supervisorPython(),
            "-S",
            "-E",
            runtime.supervisorScript().resolveSibling("labrun_zygote.py").toString()));
    Files.createDirectories(dir);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.to(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(runtime.baseEnvironment());
    return new SupervisorZygote(pb.start());
  }

  boolean alive() {
    return alive;
  }

  /** Forks a supervisor for the state folder; returns it once the zygote says it has. */
  SupervisorProcess spawn(Path state) throws IOException {
    String key = state.toString();
    if (key.contains("\n")) {
      throw new IOException(
          "a state folder name with a newline cannot be sent to the zygote: " + key);
    }
    CompletableFuture<Long> started = new CompletableFuture<>();
    starting.put(key, started);
    try {
      synchronized (requests) {
        requests.write((key + "\n").getBytes(StandardCharsets.UTF_8));
        requests.flush();
      }
      long pid = started.get(START_WAIT_SECONDS, TimeUnit.SECONDS);
      return new SupervisorProcess.Forked(pid, readyOf(pid), exitOf(pid), this);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "the supervisor zygote did not start a supervisor: "
              + (e.getCause() == null ? e : e.getCause()).getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting a supervisor", e);
    } finally {
      starting.remove(key);
    }
  }

  /**
   * Waits up to {@code max} until {@code done} holds (checked after each report) or the zygote
   * ends. Unlike a timed {@code CompletableFuture.get}, a wait that runs out costs no exception:
   * runs are waited for in short slices, many times each.
   */
  void await(Duration max, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (reports) {
      while (!done.getAsBoolean() && alive) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(reports, left);
      }
    }
  }

  private CompletableFuture<Integer> exitOf(long pid) {
    return exits.computeIfAbsent(pid, p -> new CompletableFuture<>());
  }

  private CompletableFuture<Void> readyOf(long pid) {
    return readies.computeIfAbsent(pid, p -> new CompletableFuture<>());
  }

  /**
   * One line from the zygote: {@code started PID STATE}, {@code ready PID} (from the supervisor,
   * once its script runs; it may come before {@code started}), {@code exited PID CODE}, {@code
   * failed STATE<tab>WHY}.
   */
  private void report(String line) {
    String[] f = line.split(" ", 3);
    if (f[0].equals("ready") && f.length == 2) {
      readyOf(Long.parseLong(f[1])).complete(null);
    } else if (f[0].equals("started") && f.length == 3) {
      long pid = Long.parseLong(f[1]);
      exits.put(pid, new CompletableFuture<>()); // a new process, whatever had this pid before
      CompletableFuture<Long> s = starting.get(f[2]);
      if (s != null) {
        s.complete(pid);
      }
    } else if (f[0].equals("exited") && f.length == 3) {
      exitOf(Long.parseLong(f[1])).complete(Integer.parseInt(f[2]));
    } else if (f[0].equals("failed")) {
      String[] g = line.substring("failed ".length()).split("\t", 2);
      CompletableFuture<Long> s = starting.get(g[0]);
      if (s != null) {
        s.completeExceptionally(new IOException(g.length > 1 ? g[1] : "fork failed"));
      }
    }
  }

  private void readReports() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        try {
          report(line);
        } catch (RuntimeException e) {
          // a line it never writes: ignore it, the zygote goes on
        }
        synchronized (reports) {
          reports.notifyAll();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the zygote is gone: see below
    } finally {
      alive = false;
      starting
          .values()
          .forEach(s -> s.completeExceptionally(new IOException("the supervisor zygote ended")));
      synchronized (reports) {
        reports.notifyAll();
      }
    }
  }

  @Override
  public void close() {
    try {
      requests.close(); // end of stdin: it ends; the supervisors it started go on
    } catch (IOException ignored) {
      // it is gone already
    }
  }
}
