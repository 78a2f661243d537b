package io.labrun.core.history;

/**
 * A file a run produced under {@code ./outputs} ({@code outputs/...}) or uploaded under a name of
 * its own ({@code Run.upload_file}), stored by content hash.
 */
public record Artifact(String path, long size, String sha256) {}
