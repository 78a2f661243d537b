package io.labrun.core.snapshot.bench;

import com.sun.management.OperatingSystemMXBean;
import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotReport;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.snapshot.TempDirObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures snapshots of a 10,000-file, 1 GiB project (random content, written once): a cold
 * snapshot, repeated unchanged snapshots, a snapshot with one file changed, materializing it, and
 * unchanged snapshots each in a fresh JVM (what a CLI process sees, JVM start-up excluded). Prints
 * how many files each snapshot read. Not a test: run it by hand, see {@code docs/benchmarks.md}.
 *
 * <pre>
 * ./mvnw -q -B -pl labrun-core -am test-compile
 * java -cp labrun-core/target/classes:labrun-core/target/test-classes \
 *     io.labrun.core.snapshot.bench.SnapshotBenchmark [work-folder]
 * </pre>
 */
public final class SnapshotBenchmark {
  private static final int FILES = 10_000;
  private static final long TOTAL_BYTES = 1L << 30;
  private static final int REPEATS = 30;
  private static final int FRESH_JVMS = 5;

  private SnapshotBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("--take-once")) {
      takeOnce(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
      return;
    }
    Path base =
        args.length > 0
            ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory("labrun-snapshot-bench");
    try {
      run(base);
    } finally {
      System.out.println("load average " + loadAverage());
      deleteTree(base);
      System.out.println("deleted " + base);
    }
  }

  private static void run(Path base) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%d CPUs, %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        loadAverage());
    Path root = base.resolve("project");
    Path storeDir = base.resolve("store");
    Path cacheDir = base.resolve("cache");
    long t0 = System.nanoTime();
    List<Path> files = writeProject(root);
    System.out.printf(
        Locale.ROOT,
        "wrote %,d files, %,d bytes of random data in %.1f s%n",
        files.size(),
        TOTAL_BYTES,
        seconds(t0));
    // Files modified within 2 s of a snapshot are not trusted from the stat cache; a real project
    // was saved before "submit" was typed, so let the racy margin pass.
    Thread.sleep(2_500);

    Project project = new Project(root);
    TempDirObjectStore store = new TempDirObjectStore(storeDir);
    Snapshotter snapshotter = new Snapshotter(store, cacheDir);

    long start = System.nanoTime();
    SnapshotReport cold = snapshotter.takeReport(project);
    print("cold (empty store, no cache)", millis(start), cold);
    // Measure what follows with the 2 GB just written on disk, not while the kernel flushes it.
    syncDisks();

    List<Double> warm = new ArrayList<>();
    List<Double> warmCpu = new ArrayList<>();
    int hashedWarm = 0;
    for (int i = 0; i < REPEATS; i++) {
      start = System.nanoTime();
      double cpu = processCpuNanos();
      SnapshotReport r = snapshotter.takeReport(project);
      warm.add(millis(start));
      warmCpu.add((processCpuNanos() - cpu) / 1e6);
      hashedWarm += r.filesHashed();
      check(r.snapshot().id().equals(cold.snapshot().id()), "unchanged project, new id");
      if (i == 0) {
        print("first unchanged (JIT still warming)", warm.get(0), r);
      }
    }
    summary("unchanged x" + REPEATS + " (JIT warming up)", warm, hashedWarm);
    summary("  the same, CPU time of the process (all threads)", warmCpu, hashedWarm);

    Path changed = files.get(files.size() / 2);
    try (RandomAccessFile f = new RandomAccessFile(changed.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[] {1, 2, 3, 4});
    }
    start = System.nanoTime();
    SnapshotReport one = snapshotter.takeReport(project);
    print(
        "one file changed (" + root.relativize(changed) + ", " + Files.size(changed) + " B)",
        millis(start),
        one);
    start = System.nanoTime();
    SnapshotReport after = snapshotter.takeReport(project);
    print("next, unchanged (changed file re-read: within racy margin)", millis(start), after);
    Thread.sleep(2_500);
    List<Double> settled = new ArrayList<>();
    List<Double> settledCpu = new ArrayList<>();
    int hashedSettled = 0;
    for (int i = 0; i < REPEATS; i++) {
      start = System.nanoTime();
      double cpu = processCpuNanos();
      SnapshotReport r = snapshotter.takeReport(project);
      settled.add(millis(start));
      settledCpu.add((processCpuNanos() - cpu) / 1e6);
      hashedSettled += r.filesHashed();
    }
    summary("unchanged x" + REPEATS + ", warm, 2.5 s after the change", settled, hashedSettled);
    summary("  the same, CPU time of the process (all threads)", settledCpu, hashedSettled);

    freshJvms(root, storeDir, cacheDir);

    Path out = base.resolve("materialized");
    start = System.nanoTime();
    snapshotter.materialize(after.snapshot(), out);
    syncDisks();
    System.out.printf(
        Locale.ROOT,
        "%-62s %9.1f ms%n",
        "materialize " + after.snapshot().entries().size() + " files, then sync",
        millis(start));
    if (Files.isExecutable(Path.of("/bin/cp"))) {
      start = System.nanoTime();
      Process cp =
          new ProcessBuilder(
                  "/bin/cp", "-r", root.toString(), base.resolve("cp-baseline").toString())
              .inheritIO()
              .start();
      check(cp.waitFor() == 0, "cp failed");
      syncDisks();
      System.out.printf(
          Locale.ROOT,
          "%-62s %9.1f ms%n",
          "baseline: cp -r of the project folder, then sync",
          millis(start));
    }
  }

  private static double processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void syncDisks() throws Exception {
    if (Files.isExecutable(Path.of("/bin/sync"))) {
      new ProcessBuilder("/bin/sync").inheritIO().start().waitFor();
    }
  }

  /** One unchanged snapshot in a new JVM; the child prints its own elapsed time. */
  private static void freshJvms(Path root, Path storeDir, Path cacheDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < FRESH_JVMS; i++) {
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  SnapshotBenchmark.class.getName(),
                  "--take-once",
                  root.toString(),
                  storeDir.toString(),
                  cacheDir.toString())
              .redirectErrorStream(true)
              .start();
      String line = new String(child.getInputStream().readAllBytes()).trim();
      check(child.waitFor() == 0, "child failed: " + line);
      String[] parts = line.split(" ");
      times.add(Double.parseDouble(parts[0]));
      check(parts[1].equals("0"), "child hashed " + parts[1] + " files");
    }
    summary("unchanged, fresh JVM each x" + FRESH_JVMS, times, 0);
  }

  private static void takeOnce(Path root, Path storeDir, Path cacheDir) {
    long start = System.nanoTime();
    SnapshotReport r =
        new Snapshotter(new TempDirObjectStore(storeDir), cacheDir).takeReport(new Project(root));
    System.out.println(String.format(Locale.ROOT, "%.2f", millis(start)) + " " + r.filesHashed());
  }

  /**
   * 10,000 files under 1,000 folders (plus a .gitignore and some ignored files), sizes log-normally
   * spread (many small, a few large) and scaled to total exactly 1 GiB.
   */
  private static List<Path> writeProject(Path root) throws IOException {
    SplittableRandom random = new SplittableRandom(20171);
    double[] weights = new double[FILES];
    double sum = 0;
    for (int i = 0; i < FILES; i++) {
      weights[i] = Math.exp(gaussian(random) * 1.5);
      sum += weights[i];
    }
    long[] sizes = new long[FILES];
    long assigned = 0;
    for (int i = 0; i < FILES; i++) {
      sizes[i] = (long) (TOTAL_BYTES * weights[i] / sum);
      assigned += sizes[i];
    }
    sizes[FILES - 1] += TOTAL_BYTES - assigned;

    Files.createDirectories(root.resolve("aml_config"));
    Files.writeString(
        root.resolve(".gitignore"), "*.tmp\n__pycache__/\n/logs/\n*.pyc\n.DS_Store\n");
    List<Path> files = new ArrayList<>(FILES);
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < FILES; i++) {
      Path file =
          root.resolve(
              String.format(
                  Locale.ROOT,
                  "src/g%02d/h%02d/f%05d.%s",
                  i % 50,
                  (i / 50) % 20,
                  i,
                  i % 3 == 0 ? "py" : "bin"));
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        for (long left = sizes[i]; left > 0; ) {
          buffer.clear();
          while (buffer.remaining() >= 8) {
            buffer.putLong(random.nextLong());
          }
          int n = (int) Math.min(left, buffer.capacity() - buffer.remaining());
          out.write(buffer.array(), 0, n);
          left -= n;
        }
      }
      files.add(file);
      if (i % 100 == 0) {
        Files.writeString(file.resolveSibling("scratch" + i + ".tmp"), "ignored");
      }
    }
    return files;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static void print(String what, double ms, SnapshotReport r) {
    Snapshot s = r.snapshot();
    System.out.printf(
        Locale.ROOT,
        "%-62s %9.1f ms   %,d files, %,d bytes; read %,d files (%,d bytes)%n",
        what,
        ms,
        s.entries().size(),
        s.totalSize(),
        r.filesHashed(),
        r.bytesHashed());
  }

  private static void summary(String what, List<Double> ms, int hashed) {
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    double median = sorted.get(sorted.size() / 2);
    double p95 = sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1);
    System.out.printf(
        Locale.ROOT,
        "%-62s median %6.1f ms, p95 %6.1f ms, min %6.1f ms, max %6.1f ms; files read in all: %d%n",
        what,
        median,
        p95,
        sorted.get(0),
        sorted.get(sorted.size() - 1),
        hashed);
  }

  private static double millis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
