package io.labrun.core.environment;

/**
 * How labrun names and labels what it makes on a Docker engine, here or on a host over SSH: the tag
 * of an environment image and the labels that find it and a run's container again.
 */
public final class ImageLabels {
  private ImageLabels() {}

  /** Environment images are tagged {@code labrun-env:<environment id>}. */
  public static final String REPOSITORY = "labrun-env";

  /** On everything labrun made, so that {@code experiment clean} touches nothing else. */
  public static final String LABEL_MANAGED = "io.labrun.managed";

  /** An environment image's full hash. */
  public static final String LABEL_ENV = "io.labrun.env";

  /** The base image as the file names it, and its id. */
  public static final String LABEL_BASE = "io.labrun.base";

  public static final String LABEL_BASE_ID = "io.labrun.base-id";

  /** A run's container: the run id. */
  public static final String LABEL_RUN = "io.labrun.run";
}
