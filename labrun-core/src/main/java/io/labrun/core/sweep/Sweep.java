package io.labrun.core.sweep;

import io.labrun.core.config.Durations;
import io.labrun.core.json.Json;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.project.Project;
import io.labrun.core.retry.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep as recorded when it starts: what to run, with which policy, and its points, each with the
 * id of its first run (recorded Queued at once). Any labrun process can drive the sweep on from
 * this and the run history: the one that started it, or the one it hands over to when its user lets
 * go.
 *
 * @param timeout null for the run configuration's {@code Timeout}
 * @param stopWhen null for none
 * @param primaryMetric null when not given
 */
public record Sweep(
    String id,
    Path projectRoot,
    String runConfiguration,
    String script,
    List<String> extraArguments,
    ArgumentStyle style,
    int parallel,
    Duration timeout,
    int retries,
    StopCondition stopWhen,
    String primaryMetric,
    Goal goal,
    List<Point> points) {

  /** One combination of parameter values and the first run recorded for it. */
  public record Point(int index, String firstRunId, Map<String, String> params) {
    public Point {
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
  }

  public Sweep {
    extraArguments = List.copyOf(extraArguments);
    points = List.copyOf(points);
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1");
    }
  }

  public RetryPolicy retryPolicy() {
    return RetryPolicy.of(retries);
  }

  /** The request of a point's first attempt. */
  public SubmitRequest request(Map<String, String> params) {
    return new SubmitRequest(
        new Project(projectRoot),
        runConfiguration,
        script,
        style.arguments(params, extraArguments),
        params,
        id,
        timeout);
  }

  /** The same sweep with its first runs recorded. */
  public Sweep withPoints(List<Point> recorded) {
    return new Sweep(
        id,
        projectRoot,
        runConfiguration,
        script,
        extraArguments,
        style,
        parallel,
        timeout,
        retries,
        stopWhen,
        primaryMetric,
        goal,
        recorded);
  }

  /** The primary metric for ordering results: the one given, else the stop condition's. */
  public String rankingMetric() {
    return primaryMetric != null ? primaryMetric : stopWhen == null ? null : stopWhen.metric();
  }

  /** The goal for ordering results: the stop condition's direction when no metric was named. */
  public Goal rankingGoal() {
    return primaryMetric == null && stopWhen != null ? stopWhen.goal() : goal;
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("project_root", projectRoot.toString());
    m.put("run_configuration", runConfiguration);
    m.put("script", script);
    m.put("extra_arguments", extraArguments);
    m.put("style", style.name());
    m.put("parallel", parallel);
    m.put("timeout", timeout == null ? null : Durations.format(timeout));
    m.put("retries", retries);
    m.put("stop_when", stopWhen == null ? null : stopWhen.toString());
    m.put("primary_metric", primaryMetric);
    m.put("goal", goal.name());
    List<Object> ps = new ArrayList<>();
    for (Point p : points) {
      ps.add(Map.of("run_id", p.firstRunId(), "params", p.params()));
    }
    m.put("points", ps);
    return Json.write(m);
  }

  @SuppressWarnings("unchecked")
  public static Sweep fromJson(String json) {
    Map<String, Object> m = Json.parseObject(json);
    List<Point> points = new ArrayList<>();
    for (Object o : (List<Object>) m.get("points")) {
      Map<String, Object> p = (Map<String, Object>) o;
      Map<String, String> params = new LinkedHashMap<>();
      ((Map<String, Object>) p.get("params")).forEach((k, v) -> params.put(k, (String) v));
      points.add(new Point(points.size(), (String) p.get("run_id"), params));
    }
    String timeout = (String) m.get("timeout");
    String stop = (String) m.get("stop_when");
    return new Sweep(
        (String) m.get("id"),
        Path.of((String) m.get("project_root")),
        (String) m.get("run_configuration"),
        (String) m.get("script"),
        ((List<Object>) m.get("extra_arguments")).stream().map(String.class::cast).toList(),
        ArgumentStyle.valueOf((String) m.get("style")),
        ((Long) m.get("parallel")).intValue(),
        timeout == null ? null : Durations.parse(timeout).orElseThrow(),
        ((Long) m.get("retries")).intValue(),
        stop == null ? null : StopCondition.parse(stop),
        (String) m.get("primary_metric"),
        Goal.valueOf((String) m.get("goal")),
        points);
  }
}
