package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the Python side's own unittest suite ({@code python/tests}) as part of the build. */
class PythonPackageTest {
  @Test
  void pythonUnitTestsPass() throws Exception {
    Path repo =
        Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    ProcessBuilder pb =
        new ProcessBuilder(
                "python3", "-m", "unittest", "discover", "-s", "python/tests", "-t", "python", "-v")
            .directory(repo.toFile())
            .redirectErrorStream(true);
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
    pb.environment().remove("LABRUN_METRICS_DIR");
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out); // drains while it runs, so the pipe never fills
    }
    boolean ended = p.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(ended && p.exitValue() == 0).as("python3 -m unittest failed:%n%s", text).isTrue();
    System.out.println(
        text.lines()
            .filter(l -> l.startsWith("Ran ") || l.contains("us per call"))
            .reduce("", (a, b) -> a + b.strip() + "\n"));
  }
}
