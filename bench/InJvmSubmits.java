import io.labrun.cli.CliContext;
import io.labrun.cli.Main;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.io.File;
import java.util.List;

/**
 * Times RUNS submits of the same script made one after the other in ONE JVM, as the CLI daemon or
 * the server makes them: the first pays the JVM's warm-up and the SSH login, the later ones reuse
 * the kept connection (SshConnectionPool). Prints each time and the median of all but the first.
 * With a BASELINE command after the arguments, it runs that too before each submit, so that both
 * are timed under the same load of a shared machine, and prints its median as well.
 *
 *   java -cp labrun-cli/target/labrun.jar bench/InJvmSubmits.java RUNS PROJECT_DIR TARGET SCRIPT [BASELINE...]
 */
public class InJvmSubmits {
  public static void main(String[] a) throws Exception {
    int runs = Integer.parseInt(a[0]);
    Path project = Path.of(a[1]).toAbsolutePath();
    long[] ms = new long[runs];
    List<String> baseline = List.of(a).subList(4, a.length);
    long[] base = new long[runs];
    for (int i = 0; i < runs; i++) {
      if (!baseline.isEmpty()) {
        long b0 = System.nanoTime();
        Process p = new ProcessBuilder(baseline).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (p.waitFor() != 0) {
          throw new IllegalStateException("the baseline failed: " + baseline);
        }
        base[i] = (System.nanoTime() - b0) / 1_000_000;
      }
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      long t0 = System.nanoTime();
      int code;
      try (CliContext ctx = new CliContext(System.getenv(), project, InputStream.nullInputStream(), false)) {
        code = Main.run(ctx, new PrintWriter(out), new PrintWriter(err), "experiment", "submit", "-c", a[2], a[3]);
      }
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      if (code != 0) {
        throw new IllegalStateException("submit " + i + " failed (" + code + "): " + err);
      }
      System.err.println("submit " + (i + 1) + ": " + ms[i] + " ms");
    }
    System.out.printf("first submit in the JVM %d ms; later submits: %s%n", ms[0], summary(Arrays.copyOfRange(ms, 1, runs)));
    if (!baseline.isEmpty()) {
      System.out.printf("baseline, run before each of those submits: %s%n", summary(Arrays.copyOfRange(base, 1, runs)));
    }
  }

  private static String summary(long[] ms) {
    long[] s = ms.clone();
    Arrays.sort(s);
    double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    return String.format("median %.1f ms, min %d ms, max %d ms (n=%d)", median, s[0], s[s.length - 1], s.length);
  }
}
