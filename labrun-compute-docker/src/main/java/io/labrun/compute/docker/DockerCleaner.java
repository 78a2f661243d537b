package io.labrun.compute.docker;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.environment.ImageLabels;
import io.labrun.core.error.LabrunException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Removes what labrun left on a Docker engine, found by label only (never by name): stopped
 * containers of runs that are over, and environment images no container uses. Only what this user's
 * labrun home made (its {@link Owner} labels) is touched, or everything labrun made on the engine,
 * by every user, when an administrator asks for all. Space freed is the size of each image less its
 * base image's, the layers labrun added.
 */
public final class DockerCleaner {
  private final DockerEngine engine;
  private final Owner owner;

  public DockerCleaner(DockerEngine engine, Owner owner) {
    this.engine = engine;
    this.owner = owner;
  }

  /**
   * {@code runIsOver} says whether a container's run may lose its container (its end is recorded);
   * {@code everyOwner} widens the clean to what any user's labrun made.
   */
  public CleanReport clean(Predicate<String> runIsOver, boolean everyOwner) {
    List<String> removed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Map<String, String> filter =
        everyOwner ? Map.of(ImageLabels.LABEL_MANAGED, "true") : owner.labels();
    List<Container> containers =
        engine.call(
            "listing labrun's containers",
            () ->
                engine
                    .client()
                    .listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(filter)
                    .exec());
    for (Container c : containers) {
      String run = c.getLabels() == null ? null : c.getLabels().get(ImageLabels.LABEL_RUN);
      if ("running".equals(c.getState()) || run != null && !runIsOver.test(run)) {
        continue;
      }
      DockerExecution.remove(engine, c.getId());
      removed.add("container " + name(c) + (run == null ? "" : " of run " + run));
    }
    List<Image> images =
        engine.call(
            "listing labrun's images",
            () -> engine.client().listImagesCmd().withLabelFilter(filter).exec());
    Map<String, Long> baseSizes = new HashMap<>();
    long freed = 0;
    for (Image image : images) {
      String what =
          "image "
              + (image.getRepoTags() == null || image.getRepoTags().length == 0
                  ? image.getId()
                  : String.join(", ", image.getRepoTags()));
      try {
        engine.run(
            "removing " + what,
            () -> engine.client().removeImageCmd(image.getId()).withForce(false).exec());
      } catch (LabrunException e) {
        if (e.getCause() instanceof ConflictException) {
          kept.add(what + " (in use by a container)");
          continue;
        }
        throw e;
      }
      long added = image.getSize() == null ? 0 : image.getSize() - baseSize(image, baseSizes);
      freed += Math.max(0, added);
      removed.add(what);
    }
    return new CleanReport(removed, kept, freed);
  }

  private long baseSize(Image image, Map<String, Long> cache) {
    String base =
        image.getLabels() == null ? null : image.getLabels().get(ImageLabels.LABEL_BASE_ID);
    if (base == null) {
      return 0;
    }
    return cache.computeIfAbsent(
        base,
        id -> {
          try {
            Long size = engine.client().inspectImageCmd(id).exec().getSize();
            return size == null ? 0L : size;
          } catch (RuntimeException e) {
            return 0L; // the base is gone: count the whole image
          }
        });
  }

  private static String name(Container c) {
    return c.getNames() != null && c.getNames().length > 0
        ? c.getNames()[0].replaceFirst("^/", "")
        : c.getId().substring(0, 12);
  }
}
