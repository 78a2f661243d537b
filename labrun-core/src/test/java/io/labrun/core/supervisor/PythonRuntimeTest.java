package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonRuntimeTest {
  @TempDir Path tmp;

  static Path sourceFolder() {
    return Path.of(System.getProperty("basedir", "."))
        .toAbsolutePath()
        .normalize()
        .resolveSibling("python");
  }

  @Test
  void shipsEveryFileOfThePythonFolder() throws Exception {
    Path src = sourceFolder();
    try (Stream<Path> files = Files.walk(src)) {
      List<String> shipped =
          files
              .filter(Files::isRegularFile)
              .map(p -> src.relativize(p).toString().replace('\\', '/'))
              .filter(
                  p ->
                      !p.startsWith("tests/") && !p.contains("__pycache__/") && !p.endsWith(".pyc"))
              .sorted()
              .collect(Collectors.toList());
      assertThat(shipped)
          .as("PythonRuntime.FILES must list every file of python/")
          .containsExactlyInAnyOrderElementsOf(PythonRuntime.FILES);
    }
  }

  @Test
  void extractsTheSourcesOnceAndKeyedByContent() throws Exception {
    PythonRuntime.Installed a = PythonRuntime.extract(tmp);
    PythonRuntime.Installed b = PythonRuntime.extract(tmp);
    assertThat(b).isEqualTo(a);
    assertThat(a.pythonPath().getFileName().toString()).matches("python-[0-9a-f]{16}");
    assertThat(a.supervisor()).isEqualTo(a.pythonPath().resolve("labrun_supervisor.py"));
    for (String f : PythonRuntime.FILES) {
      assertThat(a.pythonPath().resolve(f)).hasSameBinaryContentAs(sourceFolder().resolve(f));
    }
    assertThat(a.pythonPath().resolve("azureml/__init__.py")).doesNotExist();
    try (Stream<Path> children = Files.list(tmp)) {
      assertThat(children).containsExactly(a.pythonPath());
    }
  }

  @Test
  void extractsSafelyInParallel() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<PythonRuntime.Installed>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(
            pool.submit((Callable<PythonRuntime.Installed>) () -> PythonRuntime.extract(tmp)));
      }
      PythonRuntime.Installed first = results.get(0).get();
      for (Future<PythonRuntime.Installed> r : results) {
        assertThat(r.get()).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> children = Files.list(tmp)) {
      assertThat(children).hasSize(1);
    }
  }
}
