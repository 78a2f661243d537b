package io.labrun.compute.docker;

import io.labrun.core.environment.ImageLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whose labrun made an image or a container: the user and the labrun data folder, written as labels
 * on everything labrun creates on an engine, so that {@code experiment clean} removes what this
 * user's labrun made and nothing of another user's or another labrun home's (an engine is often
 * shared).
 */
public record Owner(String user, String home) {
  public static final String LABEL_USER = "io.labrun.user";
  public static final String LABEL_HOME = "io.labrun.home";

  /** The owner labels, with labrun's own managed label: what the engine is asked to filter on. */
  public Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ImageLabels.LABEL_MANAGED, "true");
    m.put(LABEL_USER, user);
    m.put(LABEL_HOME, home);
    return m;
  }
}
