package io.labrun.core.config;

import java.util.Locale;
import java.util.Optional;

/** How a script is started: by the Python interpreter, or through {@code spark-submit}. */
public enum Framework {
  PYTHON("Python"),
  PYSPARK("PySpark");

  private final String configName;

  Framework(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Optional<Framework> parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (Framework f : values()) {
      if (f.configName.toLowerCase(Locale.ROOT).equals(wanted)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
