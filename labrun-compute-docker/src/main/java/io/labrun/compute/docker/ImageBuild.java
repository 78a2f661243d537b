package io.labrun.compute.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.model.BuildResponseItem;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunEvents;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One image build through the engine's API (the classic builder), its output going line by line to
 * a log file and to whoever watches: each {@code Step n/m} as a line of progress, every other line
 * as a transient one. A failure is one line naming the failing step and the error, after the tail
 * of the log; a failure labrun's build script explains ({@code LABRUN-ERROR:}) is that explanation.
 */
final class ImageBuild extends ResultCallback.Adapter<BuildResponseItem> {
  static final String LABRUN_ERROR = "LABRUN-ERROR: ";
  private static final int TAIL = 15;
  private final Path logFile;
  private final BufferedWriter log;
  private final RunEvents events;
  private final Deque<String> tail = new ArrayDeque<>();
  private final StringBuilder partial = new StringBuilder();
  private String step;
  private String error;
  private String explained;

  ImageBuild(Path logFile, RunEvents events) {
    this.logFile = logFile;
    this.events = events;
    try {
      this.log =
          Files.newBufferedWriter(
              logFile,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot write the build log " + logFile + ": " + e.getMessage(), e);
    }
  }

  void run(
      DockerEngine engine, Path context, String tag, Map<String, String> labels, String network) {
    try (InputStream in = Files.newInputStream(context)) {
      BuildImageCmd cmd =
          engine
              .client()
              .buildImageCmd()
              .withTarInputStream(in)
              .withTags(Set.of(tag))
              .withLabels(labels)
              .withPull(false)
              .withRemove(true)
              .withForcerm(true);
      if (network != null) {
        cmd.withNetworkMode(network);
      }
      cmd.exec(this).awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabrunException(ExitCode.ENVIRONMENT, "interrupted while building " + tag, e);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE, "cannot read the build folder " + context + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (DockerEngine.unreachable(e)
          || DockerEngine.message(e).toLowerCase(Locale.ROOT).contains("no space left")) {
        closeLog();
        throw engine.translate("building " + tag, e);
      }
      error = DockerEngine.message(e);
    }
    finish(tag);
  }

  /** Ends the log; throws the build's failure, if it failed. */
  void finish(String tag) {
    flushPartial();
    closeLog();
    if (error != null) {
      throw failure(tag);
    }
  }

  @Override
  public void onNext(BuildResponseItem item) {
    if (item.getStream() != null) {
      partial.append(item.getStream());
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        line(partial.substring(0, nl));
        partial.delete(0, nl + 1);
      }
    }
    if (item.isErrorIndicated()) {
      flushPartial();
      error =
          item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
              ? item.getErrorDetail().getMessage()
              : item.getError();
      line("ERROR: " + error);
    }
  }

  private void flushPartial() {
    if (partial.length() > 0) {
      line(partial.toString());
      partial.setLength(0);
    }
  }

  private void line(String raw) {
    String text = raw.stripTrailing();
    if (text.isEmpty()) {
      return;
    }
    try {
      log.write(text);
      log.newLine();
    } catch (IOException ignored) {
      // a log we cannot write must not fail the build
    }
    tail.addLast(text);
    if (tail.size() > TAIL) {
      tail.removeFirst();
    }
    if (text.startsWith("Step ")) {
      step = text;
      events.progress("build " + shorten(text, 160));
    } else if (text.startsWith(LABRUN_ERROR)) {
      explained = text.substring(LABRUN_ERROR.length());
    } else {
      events.transientProgress(text);
    }
  }

  private LabrunException failure(String tag) {
    if (error.toLowerCase(Locale.ROOT).contains("no space left on device")) {
      return new LabrunException(
          ExitCode.ENVIRONMENT,
          "the Docker engine ran out of disk space while building "
              + tag
              + "; free some with 'labrun experiment clean' or 'docker system prune' (build log: "
              + logFile
              + ")");
    }
    if (explained != null) {
      return new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot build "
              + tag
              + stepNumber()
              + ": "
              + explained
              + " (build log: "
              + logFile
              + ")");
    }
    events.progress("the build of " + tag + " failed; the last lines of its log:");
    tail.forEach(l -> events.progress("  | " + l));
    return new LabrunException(
        ExitCode.ENVIRONMENT,
        "building "
            + tag
            + " failed"
            + (step == null ? "" : " at " + shorten(step, 120))
            + ": "
            + error
            + " (build log: "
            + logFile
            + ")");
  }

  /** " (step 3/8)" for the step that failed, or nothing. */
  private String stepNumber() {
    Matcher m = step == null ? null : Pattern.compile("^Step (\\d+/\\d+)").matcher(step);
    return m != null && m.find() ? " (step " + m.group(1) + ")" : "";
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private void closeLog() {
    try {
      log.close();
    } catch (IOException ignored) {
      // nothing more to keep
    }
  }
}
