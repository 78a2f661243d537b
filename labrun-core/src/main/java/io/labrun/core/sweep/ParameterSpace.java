package io.labrun.core.sweep;

import io.labrun.core.error.LabrunException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The parameters of a sweep, in the order the user gave them, and the points drawn from them: the
 * full grid (every combination, the first parameter varying slowest, like nested loops), or {@code
 * n} independent random draws that a seed makes reproducible ({@link Random}'s algorithm is
 * specified, so a seed gives the same draws on every JVM).
 */
public record ParameterSpace(List<Parameter> parameters) {
  /** More runs than this in one sweep is surely a mistake. */
  public static final int MAX_POINTS = 10_000;

  public ParameterSpace {
    parameters = List.copyOf(parameters);
    if (parameters.isEmpty()) {
      throw LabrunException.badInput(
          "a sweep needs at least one parameter, e.g. --grid reg=10,5,2.5");
    }
    Set<String> seen = new HashSet<>();
    for (Parameter p : parameters) {
      if (!seen.add(p.name())) {
        throw LabrunException.badInput(
            "parameter "
                + p.name()
                + " is given twice; give all its values in one --grid "
                + p.name()
                + "=...");
      }
    }
  }

  /** Parses each {@code NAME=VALUES} spec (see {@link Parameter}). */
  public static ParameterSpace parse(List<String> specs) {
    return new ParameterSpace(
        specs == null ? List.of() : specs.stream().map(Parameter::parse).toList());
  }

  public List<String> names() {
    return parameters.stream().map(Parameter::name).toList();
  }

  /** Every combination, in nested-loop order. */
  public List<Map<String, String>> grid() {
    List<List<String>> values = parameters.stream().map(Parameter::gridValues).toList();
    long size = 1;
    for (List<String> v : values) {
      size *= v.size();
      if (size > MAX_POINTS) {
        throw LabrunException.badInput(
            "the grid has more than "
                + MAX_POINTS
                + " combinations; draw some of them with --random N");
      }
    }
    List<Map<String, String>> points = new ArrayList<>();
    int[] index = new int[values.size()];
    for (long n = 0; n < size; n++) {
      Map<String, String> point = new LinkedHashMap<>();
      for (int i = 0; i < values.size(); i++) {
        point.put(parameters.get(i).name(), values.get(i).get(index[i]));
      }
      points.add(point);
      for (int i = values.size() - 1; i >= 0 && ++index[i] == values.get(i).size(); i--) {
        index[i] = 0;
      }
    }
    return points;
  }

  /** {@code n} draws; each parameter drawn in order, point after point, from one generator. */
  public List<Map<String, String>> random(int n, long seed) {
    if (n < 1 || n > MAX_POINTS) {
      throw LabrunException.badInput("--random must be from 1 to " + MAX_POINTS + ", got " + n);
    }
    Random random = new Random(seed);
    List<Map<String, String>> points = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Map<String, String> point = new LinkedHashMap<>();
      for (Parameter p : parameters) {
        point.put(p.name(), p.draw(random));
      }
      points.add(point);
    }
    return points;
  }
}
