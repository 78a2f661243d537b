package io.labrun.core.run.query;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The run's own attributes a filter can name, and the kind of value each takes. */
public enum Attribute {
  ID(Kind.TEXT),
  STATUS(Kind.TEXT),
  EXPERIMENT(Kind.TEXT),
  TARGET(Kind.TEXT),
  SCRIPT(Kind.TEXT),
  RUN_CONFIGURATION(Kind.TEXT),
  USER(Kind.TEXT),
  SWEEP(Kind.TEXT),
  CREATED(Kind.TIME),
  STARTED(Kind.TIME),
  ENDED(Kind.TIME),
  /** From start to end; a run not ended has none. */
  DURATION(Kind.DURATION),
  EXIT_CODE(Kind.NUMBER);

  /** Text is compared as text; times and durations become milliseconds. */
  public enum Kind {
    TEXT,
    NUMBER,
    TIME,
    DURATION
  }

  private final Kind kind;

  Attribute(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** The name users write: {@code status}, {@code run_configuration}... */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Attribute> parse(String word) {
    return Arrays.stream(values()).filter(a -> a.key().equalsIgnoreCase(word)).findFirst();
  }

  /** Every key, for a message listing what can be written. */
  static String keys() {
    return Arrays.stream(values()).map(Attribute::key).collect(Collectors.joining(", "));
  }
}
