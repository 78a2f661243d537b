package io.labrun.core.snapshot;

import java.util.List;

/**
 * A snapshot and what taking it cost: how many files had to be read (new or changed since the last
 * snapshot, or not trusted from the stat cache) and which entries of the project were left out and
 * why, for the caller to show as warnings.
 *
 * @param filesScanned the files in the snapshot
 * @param filesHashed the files read and hashed this time; 0 when nothing changed
 * @param bytesHashed their total size
 */
public record SnapshotReport(
    Snapshot snapshot, int filesScanned, int filesHashed, long bytesHashed, List<Skipped> skipped) {
  public SnapshotReport {
    skipped = List.copyOf(skipped);
  }

  /** An entry of the project a snapshot leaves out although no ignore rule names it. */
  public record Skipped(String path, String reason) {}
}
