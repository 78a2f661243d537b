package io.labrun.core.history;

/** A file a run produced under {@code ./outputs}, stored by content hash. */
public record Artifact(String path, long size, String sha256) {}
