package io.labrun.core.snapshot;

import java.util.List;

/**
 * The difference between two snapshots as paths, each list sorted like a manifest. A file counts as
 * changed when its content or its executable bit differs.
 */
public record SnapshotDiff(List<String> added, List<String> removed, List<String> changed) {
  public SnapshotDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
  }

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }
}
