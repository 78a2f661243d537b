package io.labrun.compute.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live output of a Spark driver that runs in YARN (cluster deploy mode): its ApplicationMaster
 * container's {@code stdout} and {@code stderr}, read from the NodeManager's REST API ({@code
 * /ws/v1/node/containerlogs/CONTAINER/FILE}) while the application runs and once more after it
 * ended, and copied to this process's stdout and stderr, where the run's supervisor records them as
 * for any driver. The NodeManager serves a container's logs while the application runs and, when
 * YARN does not aggregate logs, for {@code yarn.nodemanager.log.retain-seconds} after. A cluster
 * that aggregates them (HDInsight does) moves them to its log store once the application ended;
 * there the driver's wrapper hands its {@code ./outputs} zip over while the application still runs
 * (see {@link YarnDriverWrapper}): each read looks for it first, then copies the output, and once
 * it has the zip and the output it reads the wrapper's acknowledgement file, which lets the wrapper
 * and so the application end; all the script printed is read before that.
 */
final class YarnLogs {
  private static final Pattern CONTAINER =
      Pattern.compile("/node/containerlogs/(container_[0-9_e]+)/");
  private static final Pattern LENGTH = Pattern.compile("LogLength:(\\d+)\n");
  private static final byte[] CONTENTS = "LogContents:\n".getBytes(StandardCharsets.US_ASCII);
  private final YarnResourceManager rm;
  private final Supplier<String> appId;
  private final boolean copy;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, Long> copied = new HashMap<>();
  private String container;
  private String nodeManager;
  private volatile YarnApp last;
  private final boolean handOff;
  private volatile byte[] outputs;
  private boolean acknowledged;

  /**
   * @param appId the application's id once YARN gave one, else null
   * @param copy whether to copy the driver's output (cluster deploy mode), or only read the report
   * @param handOff whether the driver's wrapper hands its {@code ./outputs} zip over while the
   *     application runs (logs are aggregated)
   */
  YarnLogs(
      YarnResourceManager rm,
      Supplier<String> appId,
      boolean copy,
      boolean handOff,
      PrintStream out,
      PrintStream err) {
    this.rm = rm;
    this.appId = appId;
    this.copy = copy;
    this.handOff = handOff;
    this.out = out;
    this.err = err;
  }

  /** The ResourceManager's latest report of the application, read by {@link #copyNew}. */
  Optional<YarnApp> lastReport() {
    return Optional.ofNullable(last);
  }

  /**
   * Copies what the driver printed since the last call. Quiet when the application, its container
   * or the NodeManager cannot be read yet (or any more): the next call tries again.
   */
  void copyNew() {
    String id = appId.get();
    if (id == null) {
      return;
    }
    try {
      rm.app(id).ifPresent(this::follow);
      if (copy && container != null) {
        if (handOff && outputs == null) {
          outputs = file(YarnDriverWrapper.ZIP).filter(YarnDriverWrapper::isWhole).orElse(null);
        }
        copy("stdout", out); // the wrapper flushed the script's output before the zip was there
        copy("stderr", err);
        if (outputs != null && handOff && !acknowledged) {
          // its reading ends the wrapper's wait, and with it the application
          acknowledged = file(YarnDriverWrapper.ACK).isPresent();
        }
      }
    } catch (IOException e) {
      // not readable now; the next call tries again
    }
  }

  private void follow(YarnApp app) {
    last = app;
    if (app.amContainerLogs() == null) {
      return;
    }
    Matcher m = CONTAINER.matcher(app.amContainerLogs() + "/");
    if (m.find() && !m.group(1).equals(container)) {
      container = m.group(1); // a new attempt starts a new container: its logs start from nothing
      String rest = app.amContainerLogs().substring(app.amContainerLogs().indexOf("://") + 3);
      nodeManager = rest.substring(0, rest.indexOf('/'));
    }
  }

  /**
   * The zip of {@code ./outputs} and metrics the driver's wrapper left: the one handed over while
   * the application ran, else read now; empty when there is none (or no more).
   */
  Optional<byte[]> outputs() {
    byte[] o = outputs;
    return o != null ? Optional.of(o) : file(YarnDriverWrapper.ZIP);
  }

  /**
   * A file of the ApplicationMaster container's log folder, as the NodeManager serves it; empty
   * when it cannot.
   */
  Optional<byte[]> file(String name) {
    if (container == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          contents(
              rm.fetchBytes(
                  "http://"
                      + nodeManager
                      + "/ws/v1/node/containerlogs/"
                      + container
                      + "/"
                      + name)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void copy(String file, PrintStream to) throws IOException {
    byte[] answer =
        rm.fetchBytes(
            "http://" + nodeManager + "/ws/v1/node/containerlogs/" + container + "/" + file);
    byte[] contents = contents(answer);
    String key = container + "/" + file;
    long done = copied.getOrDefault(key, 0L);
    if (contents.length > done) {
      to.write(contents, (int) done, (int) (contents.length - done));
      to.flush();
      copied.put(key, (long) contents.length);
    }
  }

  /**
   * The file's bytes in a NodeManager's answer, which wraps them in a few header lines ({@code
   * LogType:}, {@code LogLength:}, {@code LogContents:}) and a trailer.
   */
  static byte[] contents(byte[] answer) {
    int start = indexOf(answer, CONTENTS);
    if (start < 0) {
      return new byte[0];
    }
    Matcher length = LENGTH.matcher(new String(answer, 0, start, StandardCharsets.ISO_8859_1));
    int from = start + CONTENTS.length;
    int n =
        length.find()
            ? (int) Math.min(Long.parseLong(length.group(1)), answer.length - from)
            : answer.length - from;
    return Arrays.copyOfRange(answer, from, from + n);
  }

  private static int indexOf(byte[] data, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= data.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (data[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
