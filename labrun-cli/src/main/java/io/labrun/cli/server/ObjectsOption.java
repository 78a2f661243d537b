package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.core.history.ObjectStore;
import picocli.CommandLine.Option;

/**
 * {@code --objects WHERE}: where a server keeps snapshot files and artifacts. Without it, what
 * {@code LABRUN_OBJECTS} names, else the folder in the data folder; with {@code
 * s3://BUCKET/PREFIX}, a bucket of an S3-compatible service (AWS, MinIO, Ceph, R2...), reached with
 * the standard AWS variables and profile files.
 */
public final class ObjectsOption {
  @Option(
      names = "--objects",
      paramLabel = "WHERE",
      description =
          "Where snapshot files and artifacts are kept: s3://BUCKET/PREFIX (endpoint, region and"
              + " credentials from AWS_ENDPOINT_URL, AWS_REGION,"
              + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) or a folder. Default:"
              + " LABRUN_OBJECTS, else the data folder's objects/.")
  String where;

  /**
   * Opens the object store this option names, through the context's wiring (checked now: a bad
   * bucket fails here).
   */
  public ObjectStore open(CliContext ctx) {
    return where == null ? ctx.wiring().objects() : ctx.wiring().useObjects(where);
  }
}
