package io.labrun.core.supervisor;

import io.labrun.core.home.Folders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python side of labrun (the supervisor, {@code labrun} and the {@code azureml} compatibility
 * packages: {@code logging}, {@code core.run}, {@code dataprep.package}), shipped in this jar under
 * {@code io/labrun/python/} and unpacked into a folder a script's Python can use. The folder is
 * named by a hash of the content, so labrun versions side by side never share one, and appears by
 * an atomic rename, so a folder that exists is complete.
 */
public final class PythonRuntime {
  static final String RESOURCE_ROOT = "io/labrun/python/";

  /** Every file shipped; a test checks this against the {@code python/} folder of the source. */
  static final List<String> FILES =
      List.of(
          "labrun_supervisor.py",
          "labrun_env.py",
          "labrun_zygote.py",
          "labrun/__init__.py",
          "labrun/_writer.py",
          "labrun/_errors.py",
          "labrun/_portions.py",
          "azureml/logging/__init__.py",
          "azureml/core/__init__.py",
          "azureml/core/run.py",
          "azureml/dataprep/__init__.py",
          "azureml/dataprep/package.py",
          "azureml/dataprep/datasource.py",
          "azureml/dataprep/_blocks.py",
          "azureml/api/__init__.py",
          "azureml/assets/__init__.py",
          "azureml/datacollector/__init__.py");

  /**
   * An unpacked runtime: the folder to put on {@code PYTHONPATH}, and the supervisor script in it.
   */
  public record Installed(Path pythonPath, Path supervisor) {}

  private PythonRuntime() {}

  /** Unpacks the runtime under {@code parent} (once per content; idempotent, safe in parallel). */
  public static Installed extract(Path parent) throws IOException {
    Map<String, byte[]> files = resources();
    Path target = parent.resolve("python-" + hash(files));
    if (!Files.isDirectory(target)) {
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, ".python-");
      try {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Path p = tmp.resolve(f.getKey());
          Files.createDirectories(p.getParent());
          Files.write(p, f.getValue());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isDirectory(target)) { // another process won the race: use its folder
          throw e;
        }
      } finally {
        try {
          Folders.delete(tmp);
        } catch (IOException e) {
          // a leftover temp folder is harmless; it is hidden and never used
        }
      }
    }
    return new Installed(target, target.resolve("labrun_supervisor.py"));
  }

  private static Map<String, byte[]> resources() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    ClassLoader loader = PythonRuntime.class.getClassLoader();
    for (String name : FILES) {
      try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
        if (in == null) {
          throw new IllegalStateException(
              "labrun is built without its Python files: " + RESOURCE_ROOT + name + " is missing");
        }
        files.put(name, in.readAllBytes());
      }
    }
    return files;
  }

  private static String hash(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      files.forEach(
          (name, content) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Long.toString(content.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(content);
          });
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
