package io.labrun.compute.local;

import io.labrun.core.environment.CleanReport;
import io.labrun.core.environment.EnvironmentLock;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.EnvironmentSpec;
import io.labrun.core.environment.Executables;
import io.labrun.core.environment.ImageRecipe;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import io.labrun.core.run.RunEvents;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cached venvs for a {@code local} target that opts in ({@code labrunLocalVenv: true}): one folder
 * per environment id under labrun's data folder, made with the target's interpreter and pip by
 * {@code labrun_env.py} (the same builder as images without conda), complete once it holds its
 * marker file. The base of the id is the interpreter itself (its real path, size and time), so
 * upgrading it makes a new environment.
 */
public final class LocalEnvironments {
  private static final String READY = ".labrun-ready";
  private final Path root;
  private final Path envScript;
  private final Map<String, String> baseEnvironment;

  public LocalEnvironments(Path root, Path envScript, Map<String, String> baseEnvironment) {
    this.root = root;
    this.envScript = envScript;
    this.baseEnvironment = baseEnvironment;
  }

  /**
   * The environment of {@code request} for interpreter {@code python}, built when missing and
   * allowed.
   */
  public PreparedEnvironment prepare(String python, EnvironmentRequest request, RunEvents events) {
    long t0 = System.nanoTime();
    // Found on the caller's PATH: the id and the build must name the same interpreter, and a
    // resident labrun's own PATH is not the user's.
    Path exe =
        Executables.find(python, baseEnvironment)
            .orElseThrow(
                () ->
                    new LabrunException(
                        ExitCode.ENVIRONMENT,
                        "'"
                            + python
                            + "' not found; set pythonLocation in the target's .compute file to an"
                            + " installed Python 3"));
    EnvironmentSpec spec = spec(exe, request);
    Path dir = root.resolve(spec.id());
    if (Files.exists(dir.resolve(READY))) {
      return new PreparedEnvironment(spec.id(), dir.toString(), true, since(t0));
    }
    if (!request.mayBuild()) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          request.missingMessage(spec.id(), "the venv " + dir + " of environment"));
    }
    try (EnvironmentLock lock = EnvironmentLock.acquire(root.resolve("locks"), spec.id(), events)) {
      if (Files.exists(dir.resolve(READY))) {
        return new PreparedEnvironment(spec.id(), dir.toString(), true, since(t0));
      }
      Path log =
          request.buildLog() != null
              ? request.buildLog()
              : root.resolve("logs").resolve(spec.id() + ".log");
      events.progress(
          "building environment " + spec.id() + " (a venv of " + exe + ", log: " + log + ")");
      build(exe.toString(), spec, dir, log, events);
      return new PreparedEnvironment(spec.id(), dir.toString(), false, since(t0));
    }
  }

  /** The interpreter of a prepared environment. */
  public static Path interpreter(PreparedEnvironment env) {
    return Path.of(env.reference(), "bin", "python");
  }

  private EnvironmentSpec spec(Path exe, EnvironmentRequest request) {
    String base;
    try {
      Path real = exe.toRealPath();
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      base = "local-python " + real + " " + a.size() + " " + a.lastModifiedTime().toMillis();
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT, "cannot read the interpreter " + exe + ": " + e.getMessage(), e);
    }
    return EnvironmentSpec.of(
        base,
        request.conda(),
        request.project().root(),
        List.of(request.variables(), baseEnvironment));
  }

  private void build(String python, EnvironmentSpec spec, Path dir, Path log, RunEvents events) {
    Deque<String> tail = new ArrayDeque<>();
    String explained = null;
    int code;
    try {
      if (Files.exists(dir)) {
        Folders.delete(dir); // a build that was interrupted
      }
      Files.createDirectories(root.resolve("tmp"));
      Files.createDirectories(log.toAbsolutePath().getParent());
      Path specFile = Files.createTempFile(root.resolve("tmp"), spec.id() + "-", ".json");
      Files.writeString(
          specFile,
          ImageRecipe.venvSpec(
              spec, dir.toString(), spec.pipInstallList(p -> p.source().toString())));
      ProcessBuilder pb =
          new ProcessBuilder(python, envScript.toString(), specFile.toString())
              .redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(baseEnvironment);
      pb.environment().putAll(spec.pipOptions());
      Process p = pb.start();
      p.getOutputStream().close();
      try (BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line; (line = in.readLine()) != null; ) {
          out.write(line);
          out.newLine();
          if (line.startsWith("LABRUN-ERROR: ")) {
            explained = line.substring(14);
            continue;
          }
          events.transientProgress(line);
          tail.addLast(line);
          if (tail.size() > 15) {
            tail.removeFirst();
          }
        }
      }
      code = p.waitFor();
      Files.deleteIfExists(specFile);
      if (code == 0) {
        Files.writeString(dir.resolve(READY), spec.canonicalText());
        return;
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot build environment " + spec.id() + " with " + python + ": " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabrunException(
          ExitCode.ENVIRONMENT, "interrupted while building environment " + spec.id(), e);
    }
    if (explained != null) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot build environment " + spec.id() + ": " + explained + " (build log: " + log + ")");
    }
    events.progress(
        "the build of environment " + spec.id() + " failed; the last lines of its log:");
    tail.forEach(l -> events.progress("  | " + l));
    throw new LabrunException(
        ExitCode.ENVIRONMENT,
        "building environment "
            + spec.id()
            + " failed (exit code "
            + code
            + "; build log: "
            + log
            + ")");
  }

  /** Removes every cached venv when {@code allowed} (no run may be using one). */
  public CleanReport clean(boolean allowed) {
    if (!Files.isDirectory(root)) {
      return CleanReport.empty();
    }
    List<String> removed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    long freed = 0;
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.filter(p -> p.getFileName().toString().matches("[0-9a-f]{16}")).toList()) {
        if (!allowed) {
          kept.add("local environment " + d + " (runs are going; clean again when they are over)");
          continue;
        }
        long size = sizeOf(d);
        Folders.delete(d);
        freed += size;
        removed.add("local environment " + d);
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot clean the local environments in " + root + ": " + e.getMessage(),
          e);
    }
    return new CleanReport(removed, kept, freed);
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
