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
 *
 * <p>A cluster that aggregates logs ({@code yarn.log-aggregation-enable}) moves them off the
 * NodeManager once the application ended, often before labrun could read them there (and without a
 * log server labrun cannot read them at all). There the wrapper hands the zip over before it
 * returns: it leaves an acknowledgement file ({@value #ACK}) next to the zip and waits, at most
 * {@link #HANDOFF_SECONDS} seconds, until someone read it. {@link YarnLogs} looks for the zip every
 * second while the application runs; once it has it whole it copies the driver's output (so what
 * the script printed last is read too) and then reads the acknowledgement through the NodeManager.
 * The wrapper sees that read with inotify, on the container's own machine (the NodeManager serves
 * the log folder from its local disk), which does not depend on access times ({@code noatime} file
 * systems); where inotify is missing it watches the acknowledgement's access time as before. It
 * writes why its wait ended into {@value #HANDOFF_LOG}, kept with the container's logs. The zip
 * appears under its name only whole (written aside, then renamed).
 */
final class YarnDriverWrapper {
  static final String FILE_NAME = "labrun_yarn_driver.py";
  static final String ZIP = "labrun-outputs.zip";
  static final String METRICS = "metrics/";

  /**
   * The file labrun reads once it has the zip, where logs are aggregated: its reading ends the
   * wrapper's wait.
   */
  static final String ACK = "labrun-outputs.ack";

  /** Where the wrapper says why its wait ended (in the container's logs, kept with them). */
  static final String HANDOFF_LOG = "labrun-handoff.log";

  /** How long the wrapper waits at most for labrun to read its zip, when logs are aggregated. */
  static final int HANDOFF_SECONDS = 15;

  private static final String TEMPLATE =
      """
      # labrun's wrapper of a Spark driver in YARN's ApplicationMaster container (cluster deploy mode):
      # unpacks the run's bundle, runs the project's script, then zips ./outputs and the metrics into
      # the container's log folder for labrun.
      import json, os, runpy, select, shutil, struct, sys, time, zipfile
      def unpack(z, prefix, into):
          for info in z.infolist():
              if info.filename.startswith(prefix) and not info.is_dir():
                  to = os.path.join(into, info.filename[len(prefix):])
                  if os.path.lexists(to):
                      continue  # what YARN localized here (this wrapper, --py-files) stays
                  os.makedirs(os.path.dirname(to) or ".", exist_ok=True)
                  with z.open(info) as src, open(to, "wb") as dst:
                      shutil.copyfileobj(src, dst)
      def watch_reads(path):
          # inotify (Linux): a read of `path` by any process, the NodeManager's included, is an
          # IN_CLOSE_NOWRITE event, whatever the file system does with access times (noatime).
          import ctypes
          libc = ctypes.CDLL(None, use_errno=True)
          fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
          if fd < 0 or libc.inotify_add_watch(fd, os.fsencode(path), 0x10) < 0:
              err = ctypes.get_errno()
              if fd >= 0:
                  os.close(fd)
              raise OSError(err, os.strerror(err))
          return fd
      def wait_for_read(fd, path, seconds):
          end = time.monotonic() + seconds
          while time.monotonic() < end:
              if fd is None:  # no inotify here: the access time, where the file system keeps it
                  st = os.stat(path)
                  if st.st_atime_ns > st.st_mtime_ns:
                      return f"labrun read {os.path.basename(path)} (seen by its access time)"
                  time.sleep(0.1)
                  continue
              if not select.select([fd], [], [], max(0, end - time.monotonic()))[0]:
                  continue
              try:
                  events = os.read(fd, 4096)
              except BlockingIOError:
                  continue
              at = 0
              while at + 16 <= len(events):
                  _, mask, _, size = struct.unpack_from("iIII", events, at)
                  if mask & 0x10:
                      return f"labrun read {os.path.basename(path)}"
                  at += 16 + size
          return f"nobody read {os.path.basename(path)} within {seconds} s: ended without the hand-off"
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
              sys.stdout.flush()  # all the script printed is in its log before the zip is there
              sys.stderr.flush()
              handoff, zip_file, ack = %d, os.path.join(logs, "%s"), os.path.join(logs, "%s")
              watch, why = None, None
              if handoff:  # logs aggregated: labrun reads the ack once it has the zip
                  with open(ack, "w") as f:
                      f.write(f"labrun reads this file once it has read {os.path.basename(zip_file)}\\n")
                  try:
                      watch = watch_reads(ack)
                  except (OSError, AttributeError, ImportError) as e:
                      why = f"no inotify ({e}): "
              with zipfile.ZipFile(zip_file + ".part", "w") as z:
                  for root, _, files in os.walk("outputs"):
                      for f in files:
                          z.write(os.path.join(root, f))
                  if os.path.isdir(metrics):
                      for f in os.listdir(metrics):
                          z.write(os.path.join(metrics, f), "%s" + f)
              os.replace(zip_file + ".part", zip_file)  # whole or not there
              if handoff:
                  why = (why or "") + wait_for_read(watch, ack, handoff)
                  with open(os.path.join(logs, "%s"), "a") as f:
                      f.write(why + "\\n")
      """;

  private YarnDriverWrapper() {}

  /**
   * The wrapper's Python source.
   *
   * @param handOffSeconds how long it waits at most for labrun to read its acknowledgement (0: not
   *     at all)
   */
  static String source(int handOffSeconds) {
    return TEMPLATE.formatted(
        DriverBundle.FILE_NAME,
        DriverBundle.PROJECT,
        DriverBundle.PYTHON,
        DriverBundle.ENV,
        handOffSeconds,
        ZIP,
        ACK,
        METRICS,
        HANDOFF_LOG);
  }

  /**
   * Writes the wrapper into {@code dir} and returns its path.
   *
   * @param handOff whether it waits for labrun to read its zip (logs are aggregated)
   */
  static Path write(Path dir, boolean handOff) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    Files.writeString(file, source(handOff ? HANDOFF_SECONDS : 0));
    return file;
  }

  /**
   * Whether {@code zip} is a whole zip as the wrapper writes it: it ends with its end-of-central-
   * directory record (no comment), which a read cut short lacks.
   */
  static boolean isWhole(byte[] zip) {
    int at = zip.length - 22;
    return at >= 0 && zip[at] == 'P' && zip[at + 1] == 'K' && zip[at + 2] == 5 && zip[at + 3] == 6;
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
