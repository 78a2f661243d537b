package io.labrun.core.run.query;

import java.util.Locale;
import java.util.Optional;

/**
 * What a filter compares or orders by: a metric (its last value, or its lowest or highest one), a
 * param, a tag, or one of the run's own attributes.
 */
public sealed interface Field {
  /** How the field reads in a filter, for messages. */
  String text();

  /** {@code metrics.NAME}, {@code min(metrics.NAME)} or {@code max(metrics.NAME)}. */
  record Metric(String name, Aggregate aggregate) implements Field {
    @Override
    public String text() {
      String field = "metrics." + name;
      return aggregate == Aggregate.LAST ? field : aggregate.key() + "(" + field + ")";
    }
  }

  /** Which value of a metric: the last one logged (highest step), the lowest or the highest. */
  enum Aggregate {
    LAST,
    MIN,
    MAX;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Aggregate> parse(String word) {
      for (Aggregate a : values()) {
        if (a.key().equalsIgnoreCase(word)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  /** {@code params.NAME}: compared as a number when the value written is a number, else as text. */
  record Param(String name) implements Field {
    @Override
    public String text() {
      return "params." + name;
    }
  }

  /** {@code tags.NAME}: compared like a param. */
  record Tag(String name) implements Field {
    @Override
    public String text() {
      return "tags." + name;
    }
  }

  /** {@code status}, {@code created}, {@code duration}...: a column of the run itself. */
  record Attr(Attribute attribute) implements Field {
    @Override
    public String text() {
      return attribute.key();
    }
  }
}
