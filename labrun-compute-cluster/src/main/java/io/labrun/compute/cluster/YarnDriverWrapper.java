package io.labrun.compute.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * How a Python driver in YARN's ApplicationMaster container (cluster deploy mode) runs as under
 * labrun's supervisor and gives labrun its {@code ./outputs} and metrics: labrun submits this small
 * wrapper as the application, with the run's {@link DriverBundle} shipped next to it ({@code
 * --files}). The wrapper unpacks the run's working folder into the container's working folder, sets
 * the run's variables, puts labrun's Python packages on the path and points their metrics at the
 * container's log folder ({@code LOG_DIRS}); then it runs the script and, however it ends, zips
 * {@code ./outputs} and the metrics files into that log folder (which YARN serves and keeps with
 * the container's logs) as {@value #ZIP}. {@link SparkDriver} then fetches that file from the
 * NodeManager and unpacks it into the run's working folder and metrics folder, from where labrun
 * collects them as for any run.
 */
final class YarnDriverWrapper {
  static final String FILE_NAME = "labrun_yarn_driver.py";
  static final String ZIP = "labrun-outputs.zip";
  static final String METRICS = "metrics/";
  static final String SOURCE =
      """
      # labrun's wrapper of a Spark driver in YARN's ApplicationMaster container (cluster deploy mode):
      # unpacks the run's bundle, runs the project's script, then zips ./outputs and the metrics into
      # the container's log folder for labrun.
      import json, os, runpy, shutil, sys, zipfile
      def unpack(z, prefix, into):
          for info in z.infolist():
              if info.filename.startswith(prefix) and not info.is_dir():
                  to = os.path.join(into, info.filename[len(prefix):])
                  if os.path.lexists(to):
                      continue  # what YARN localized here (this wrapper, --py-files) stays
                  os.makedirs(os.path.dirname(to) or ".", exist_ok=True)
                  with z.open(info) as src, open(to, "wb") as dst:
                      shutil.copyfileobj(src, dst)
      script = sys.argv[1]
      sys.argv = sys.argv[1:]
      here = os.getcwd()
      logs = os.environ.get("LOG_DIRS", "").split(",")[0]
      metrics = os.path.join(logs or here, "labrun-metrics")
      with zipfile.ZipFile("%s") as z:
          unpack(z, "%s", here)
          unpack(z, "%s", os.path.join(here, ".labrun-python"))
          os.environ.update(json.loads(z.read("%s")))
      os.environ["LABRUN_METRICS_DIR"] = metrics
      sys.path[:0] = [here, os.path.join(here, ".labrun-python")]
      os.makedirs("outputs", exist_ok=True)
      try:
          runpy.run_path(script, run_name="__main__")
      finally:
          if logs:
              with zipfile.ZipFile(os.path.join(logs, "%s"), "w") as z:
                  for root, _, files in os.walk("outputs"):
                      for f in files:
                          z.write(os.path.join(root, f))
                  if os.path.isdir(metrics):
                      for f in os.listdir(metrics):
                          z.write(os.path.join(metrics, f), "%s" + f)
      """
          .formatted(
              DriverBundle.FILE_NAME,
              DriverBundle.PROJECT,
              DriverBundle.PYTHON,
              DriverBundle.ENV,
              ZIP,
              METRICS);

  private YarnDriverWrapper() {}

  /** Writes the wrapper into {@code dir} and returns its path. */
  static Path write(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    Files.writeString(file, SOURCE);
    return file;
  }

  /**
   * Unpacks the zip the wrapper made: entries under {@code outputs/} into {@code workDir}, entries
   * under {@value #METRICS} into {@code metricsDir} (none when it is null); nothing else, nothing
   * outside them.
   */
  static int unpack(byte[] zip, Path workDir, Path metricsDir) throws IOException {
    Path outputs = workDir.resolve("outputs").normalize();
    int n = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path to = target(e.getName(), outputs, metricsDir);
        if (e.isDirectory() || to == null) {
          continue;
        }
        Files.createDirectories(to.getParent());
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        n++;
      }
    }
    return n;
  }

  private static Path target(String name, Path outputs, Path metricsDir) {
    boolean metric = name.startsWith(METRICS);
    Path under = metric ? metricsDir : outputs;
    if (under == null) {
      return null;
    }
    Path to =
        (metric ? under.resolve(name.substring(METRICS.length())) : outputs.resolveSibling(name))
            .normalize();
    return to.startsWith(under) && !to.equals(under) ? to : null;
  }
}
