package io.labrun.store;

import io.labrun.core.history.Artifact;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunStore.Note;
import io.labrun.core.home.Folders;
import io.labrun.core.json.Json;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A second copy of what the history records about each run, kept in the run's own folder ({@code
 * runs/RUN/record.jsonl}): one JSON line per change (the run as recorded, its params, tags,
 * artifacts and metric points), appended. When the history database is lost, {@code labrun history
 * rebuild} replays these lines; a line cut short by a crash is skipped.
 */
final class RunJournal {
  static final String FILE = "record.jsonl";
  private final Path runs;

  RunJournal(Path runs) {
    this.runs = runs;
  }

  void run(Run run) {
    append(run.id(), Map.of("run", toMap(run)));
  }

  void params(String runId, Map<String, String> params) {
    if (params.isEmpty()) {
      return;
    }
    append(runId, Map.of("params", params));
  }

  void tags(String runId, Map<String, String> tags) {
    if (tags.isEmpty()) {
      return;
    }
    append(runId, Map.of("tags", tags));
  }

  void untag(String runId, Set<String> names) {
    append(runId, Map.of("untag", List.copyOf(names)));
  }

  void note(String runId, Note note) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", note.text());
    m.put("by", note.by());
    m.put("time_ms", note.at().toEpochMilli());
    append(runId, Map.of("note", m));
  }

  void artifacts(String runId, List<Artifact> artifacts) {
    List<Object> list = new ArrayList<>();
    artifacts.forEach(
        a -> list.add(Map.of("path", a.path(), "size", a.size(), "sha256", a.sha256())));
    append(runId, Map.of("artifacts", list));
  }

  void metrics(String runId, List<MetricPoint> points) {
    List<Object> list = new ArrayList<>();
    for (MetricPoint p : points) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("step", p.step());
      m.put("time_ms", p.time() == null ? null : p.time().toEpochMilli());
      m.put("value", p.value() != null && Double.isFinite(p.value()) ? p.value() : null);
      m.put(
          "json",
          p.value() != null && !Double.isFinite(p.value()) ? Double.toString(p.value()) : p.json());
      list.add(m);
    }
    append(runId, Map.of("metrics", list));
  }

  private void append(String runId, Map<String, Object> change) {
    Path folder = runs.resolve(runId);
    try {
      Path file = folder.resolve(FILE);
      if (!Files.exists(file)) {
        Folders.createPrivate(
            folder); // the run's folder: its user's alone (0700), whatever the umask
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(
                  PosixFilePermissions.fromString("rw-------"))); // params may be private
        } catch (FileAlreadyExistsException e) {
          // made by another labrun process just now
        }
      }
      Files.writeString(
          folder.resolve(FILE),
          Json.write(change) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the record of run " + runId + " in " + folder, e);
    }
  }

  /** Records every run that has a journal under {@code runs} in {@code into}; returns how many. */
  static int replay(Path runs, RunStore into) throws IOException {
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> folders = Files.list(runs)) {
      for (Path folder : folders.sorted().toList()) {
        Path file = folder.resolve(FILE);
        if (Files.isRegularFile(file) && replayOne(file, into)) {
          n++;
        }
      }
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static boolean replayOne(Path file, RunStore into) throws IOException {
    Run run = null;
    Map<String, String> params = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, Artifact> artifacts = new LinkedHashMap<>();
    List<MetricPoint> metrics = new ArrayList<>();
    Note note = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Map<String, Object> change;
      try {
        change = Json.parseObject(line);
      } catch (IllegalArgumentException e) {
        continue; // a line cut short when the machine went down
      }
      if (change.get("run") instanceof Map<?, ?> m) {
        run = fromMap((Map<String, Object>) m);
      }
      strings(change.get("params")).forEach(params::put);
      strings(change.get("tags")).forEach(tags::put);
      if (change.get("untag") instanceof List<?> names) {
        names.forEach(tags::remove);
      }
      if (change.get("note") instanceof Map<?, ?> m) {
        note =
            new Note(
                (String) m.get("text"),
                (String) m.get("by"),
                Instant.ofEpochMilli(((Number) m.get("time_ms")).longValue()));
      }
      if (change.get("artifacts") instanceof List<?> list) {
        for (Object o : list) {
          Map<String, Object> a = (Map<String, Object>) o;
          artifacts.put(
              (String) a.get("path"),
              new Artifact(
                  (String) a.get("path"),
                  ((Number) a.get("size")).longValue(),
                  (String) a.get("sha256")));
        }
      }
      if (change.get("metrics") instanceof List<?> list) {
        for (Object o : list) {
          metrics.add(point((Map<String, Object>) o));
        }
      }
    }
    if (run == null) {
      return false;
    }
    into.create(run);
    into.putParams(run.id(), params);
    into.putTags(run.id(), tags);
    into.addArtifacts(run.id(), new ArrayList<>(artifacts.values()));
    if (note != null) {
      into.putNote(run.id(), note);
    }
    into.appendMetrics(run.id(), metrics);
    return true;
  }

  private static MetricPoint point(Map<String, Object> m) {
    Object value = m.get("value");
    String json = (String) m.get("json");
    Double v = value instanceof Number n ? n.doubleValue() : null;
    if (v == null && json != null && json.matches("NaN|-?Infinity")) {
      v = Double.valueOf(json);
      json = null;
    }
    return new MetricPoint(
        (String) m.get("name"),
        ((Number) m.get("step")).longValue(),
        instant(m.get("time_ms")),
        v,
        json);
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put((String) k, v == null ? null : v.toString()));
    }
    return out;
  }

  static Map<String, Object> toMap(Run r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("experiment", r.experiment());
    m.put("run_configuration", r.runConfiguration());
    m.put("target", r.target());
    m.put("target_type", r.targetType());
    m.put("script", r.script());
    m.put("arguments", r.arguments());
    m.put("environment", r.environment());
    m.put("user", r.user());
    m.put("host", r.host());
    m.put("git_commit", r.gitCommit());
    m.put("git_dirty", r.gitDirty());
    m.put("snapshot_id", r.snapshotId());
    m.put("created_ms", millis(r.created()));
    m.put("started_ms", millis(r.started()));
    m.put("ended_ms", millis(r.ended()));
    m.put("status", r.status().name());
    m.put("exit_code", r.exitCode());
    m.put("status_detail", r.statusDetail());
    m.put("sweep_id", r.sweepId());
    m.put("attempt", r.attempt());
    m.put("attributes", r.attributes());
    return m;
  }

  @SuppressWarnings("unchecked")
  static Run fromMap(Map<String, Object> m) {
    List<String> arguments = new ArrayList<>();
    if (m.get("arguments") instanceof List<?> l) {
      l.forEach(a -> arguments.add(a == null ? null : a.toString()));
    }
    Number exit = (Number) m.get("exit_code");
    return new Run(
        (String) m.get("id"),
        (String) m.get("experiment"),
        (String) m.get("run_configuration"),
        (String) m.get("target"),
        (String) m.get("target_type"),
        (String) m.get("script"),
        arguments,
        strings(m.get("environment")),
        (String) m.get("user"),
        (String) m.get("host"),
        (String) m.get("git_commit"),
        (Boolean) m.get("git_dirty"),
        (String) m.get("snapshot_id"),
        instant(m.get("created_ms")),
        instant(m.get("started_ms")),
        instant(m.get("ended_ms")),
        RunStatus.valueOf((String) m.get("status")),
        exit == null ? null : exit.intValue(),
        (String) m.get("status_detail"),
        (String) m.get("sweep_id"),
        ((Number) m.get("attempt")).intValue(),
        strings(m.get("attributes")));
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private static Instant instant(Object ms) {
    return ms instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null;
  }
}
