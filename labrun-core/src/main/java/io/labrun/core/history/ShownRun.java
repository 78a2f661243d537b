package io.labrun.core.history;

import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import java.util.Map;

/**
 * A run with its params and tags as every view shows them (the CLI's {@code history info} in text
 * and JSON, the REST API, the web UI): redacted by {@link Redaction}, the one rule for what is
 * never shown. Views read a run through here rather than from the store, so none can forget it.
 */
public record ShownRun(Run run, Map<String, String> params, Map<String, String> tags) {

  public static ShownRun of(Run run, RunStore store) {
    return new ShownRun(
        Redaction.run(run),
        Redaction.named(store.params(run.id())),
        Redaction.named(store.tags(run.id())));
  }
}
