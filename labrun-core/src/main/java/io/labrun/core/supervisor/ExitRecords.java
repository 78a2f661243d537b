package io.labrun.core.supervisor;

import io.labrun.core.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes {@code STATE/exit.json}, the supervisor's record of how the script ended. */
public final class ExitRecords {

  private ExitRecords() {}

  public static ExitRecord parse(String json) {
    Fields f = Fields.parse(StateFolder.EXIT, json);
    return new ExitRecord(
        f.intValue("exit_code"),
        f.optInt("signal"),
        Instant.ofEpochMilli(f.longValue("ended_ms")),
        f.bool("canceled", false),
        f.bool("timed_out", false),
        false,
        f.optString("error"),
        f.longValue("dropped_output_bytes", 0));
  }

  /** The file as the supervisor writes it (for fakes and tests); a lost record has no file. */
  public static String toJson(ExitRecord exit) {
    if (exit.lost()) {
      throw new IllegalArgumentException("a lost run has no exit.json");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exit_code", exit.exitCode());
    m.put("signal", exit.signal());
    m.put("ended_ms", exit.ended().toEpochMilli());
    m.put("canceled", exit.canceled());
    m.put("timed_out", exit.timedOut());
    m.put("error", exit.error());
    m.put("dropped_output_bytes", exit.droppedOutputBytes());
    return Json.write(m);
  }
}
