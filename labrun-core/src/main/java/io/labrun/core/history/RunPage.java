package io.labrun.core.history;

import io.labrun.core.run.Run;
import java.util.List;
import java.util.Map;

/**
 * A page of the runs table. {@code metrics} holds, per run id, the last values of the metrics the
 * query asked for; {@code nextCursor} is null on the last page.
 */
public record RunPage(
    List<Run> runs, Map<String, Map<String, Double>> metrics, String nextCursor) {}
