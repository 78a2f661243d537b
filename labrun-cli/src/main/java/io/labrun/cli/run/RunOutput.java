package io.labrun.cli.run;

import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunView;
import io.labrun.core.json.Json;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** How runs look in command output: {@link RunView}, the one view the API and the UI show too. */
public final class RunOutput {
  private RunOutput() {}

  static Map<String, Object> row(Run run, Instant now) {
    return RunView.row(run, now);
  }

  /** {@link RunView#info} with its attributes (this machine ran it). */
  static Map<String, Object> info(Run run, RunStore store, Instant now) {
    return RunView.info(run, store, now, true);
  }

  /**
   * A metric's last value as text: a number as the history writes it (2, not 2.0), a list or dict
   * as JSON.
   */
  static String lastValue(Object last) {
    return last instanceof Number n ? MetricPoint.text(n.doubleValue()) : Json.write(last);
  }

  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"kB", "MB", "GB", "TB"};
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
