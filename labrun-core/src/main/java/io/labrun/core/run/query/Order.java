package io.labrun.core.run.query;

/** One key of {@code order by}: runs without a value for it come last, whatever the direction. */
public record Order(Field field, boolean descending) {}
