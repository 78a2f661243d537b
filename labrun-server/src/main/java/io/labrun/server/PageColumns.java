package io.labrun.server;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns a runs page asks for besides its own: metrics by bare name or {@code metrics.NAME}
 * (their last values come from the page query), params as {@code params.NAME} and tags as {@code
 * tags.NAME} (read for the page's runs only, at most one page of 1,000).
 */
record PageColumns(List<String> metrics, List<String> params, List<String> tags) {
  static PageColumns parse(String text) {
    List<String> metrics = new ArrayList<>();
    List<String> params = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (String c : RunsApi.list(text)) {
      if (c.startsWith("params.")) {
        params.add(c.substring("params.".length()));
      } else if (c.startsWith("tags.")) {
        tags.add(c.substring("tags.".length()));
      } else {
        metrics.add(c.startsWith("metrics.") ? c.substring("metrics.".length()) : c);
      }
    }
    return new PageColumns(List.copyOf(metrics), List.copyOf(params), List.copyOf(tags));
  }

  /** Adds the asked params and tags the run has to its row (secret-looking ones as ***). */
  void addNamed(Map<String, Object> row, String runId, RunStore store) {
    if (!params.isEmpty()) {
      row.put("params", picked(Redaction.named(store.params(runId)), params));
    }
    if (!tags.isEmpty()) {
      row.put("tags", picked(Redaction.named(store.tags(runId)), tags));
    }
  }

  private static Map<String, String> picked(Map<String, String> all, List<String> names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) {
      if (all.containsKey(n)) {
        out.put(n, all.get(n));
      }
    }
    return out;
  }
}
