package io.labrun.compute.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * How a Python driver in YARN's ApplicationMaster container (cluster deploy mode) gives labrun its
 * {@code ./outputs}: labrun submits this small wrapper as the application, with the project's
 * script shipped next to it ({@code --files}); the wrapper runs the script in the container's
 * working folder and, however it ends, zips {@code ./outputs} into the container's log folder
 * ({@code LOG_DIRS}, which YARN serves and keeps with the container's logs) as {@value #ZIP}.
 * {@link SparkDriver} then fetches that file from the NodeManager and unpacks it into the run's
 * working folder, from where labrun collects {@code ./outputs} as for any run.
 */
final class YarnDriverWrapper {
  static final String FILE_NAME = "labrun_yarn_driver.py";
  static final String ZIP = "labrun-outputs.zip";
  static final String SOURCE =
      """
      # labrun's wrapper of a Spark driver in YARN's ApplicationMaster container (cluster deploy mode):
      # runs the project's script, then zips ./outputs into the container's log folder for labrun.
      import os, runpy, sys, zipfile
      script = sys.argv[1]
      sys.argv = sys.argv[1:]
      sys.path.insert(0, os.getcwd())
      os.makedirs("outputs", exist_ok=True)
      try:
          runpy.run_path(script, run_name="__main__")
      finally:
          logs = os.environ.get("LOG_DIRS", "").split(",")[0]
          if logs:
              with zipfile.ZipFile(os.path.join(logs, "%s"), "w") as z:
                  for root, _, files in os.walk("outputs"):
                      for f in files:
                          z.write(os.path.join(root, f))
      """
          .formatted(ZIP);

  private YarnDriverWrapper() {}

  /** Writes the wrapper into {@code dir} and returns its path. */
  static Path write(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    Files.writeString(file, SOURCE);
    return file;
  }

  /** Unpacks the zip the wrapper made into {@code workDir}; only entries under {@code outputs/}. */
  static int unpack(byte[] zip, Path workDir) throws IOException {
    Path outputs = workDir.resolve("outputs").normalize();
    int n = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path to = workDir.resolve(e.getName()).normalize();
        if (e.isDirectory() || !to.startsWith(outputs) || to.equals(outputs)) {
          continue;
        }
        Files.createDirectories(to.getParent());
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        n++;
      }
    }
    return n;
  }
}
