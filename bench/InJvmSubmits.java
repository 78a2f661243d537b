import io.labrun.cli.CliContext;
import io.labrun.cli.Main;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times RUNS submits of the same script made one after the other in ONE JVM, as the CLI daemon or
 * the server makes them: the first pays the JVM's warm-up and the SSH login, the later ones reuse
 * the kept connection (SshConnectionPool). Prints each time and the median of all but the first.
 *
 *   java -cp labrun-cli/target/labrun.jar bench/InJvmSubmits.java RUNS PROJECT_DIR TARGET SCRIPT
 */
public class InJvmSubmits {
  public static void main(String[] a) throws Exception {
    int runs = Integer.parseInt(a[0]);
    Path project = Path.of(a[1]).toAbsolutePath();
    long[] ms = new long[runs];
    for (int i = 0; i < runs; i++) {
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
    long[] warm = Arrays.copyOfRange(ms, 1, runs);
    Arrays.sort(warm);
    double median = warm.length % 2 == 1 ? warm[warm.length / 2] : (warm[warm.length / 2 - 1] + warm[warm.length / 2]) / 2.0;
    System.out.printf("first submit in the JVM %d ms; later submits: median %.1f ms, min %d ms, max %d ms (n=%d)%n", ms[0], median, warm[0],
        warm[warm.length - 1], warm.length);
  }
}
