package io.labrun.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.LabrunException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterSpaceTest {
  @Test
  void aGridIsEveryCombinationInNestedLoopOrder() {
    ParameterSpace space = ParameterSpace.parse(List.of("reg=10,5,2.5", "solver=lbfgs,saga"));
    assertThat(space.grid())
        .containsExactly(
            Map.of("reg", "10", "solver", "lbfgs"), Map.of("reg", "10", "solver", "saga"),
            Map.of("reg", "5", "solver", "lbfgs"), Map.of("reg", "5", "solver", "saga"),
            Map.of("reg", "2.5", "solver", "lbfgs"), Map.of("reg", "2.5", "solver", "saga"));
    assertThat(space.grid().get(0).keySet())
        .as("parameter order kept")
        .containsExactly("reg", "solver");
  }

  @Test
  void wholeNumberRangesMakeGridValues() {
    assertThat(ParameterSpace.parse(List.of("epochs=1..4")).grid())
        .extracting(p -> p.get("epochs"))
        .containsExactly("1", "2", "3", "4");
    assertThat(ParameterSpace.parse(List.of("shift=-1..1")).grid())
        .extracting(p -> p.get("shift"))
        .containsExactly("-1", "0", "1");
  }

  @Test
  void randomDrawsDependOnlyOnTheSeed() {
    ParameterSpace space =
        ParameterSpace.parse(
            List.of("lr=0.001..0.1", "epochs=1..10", "solver=lbfgs,saga", "dropout=0.1..0.5"));
    List<Map<String, String>> a = space.random(5, 42);
    assertThat(space.random(5, 42)).isEqualTo(a);
    assertThat(space.random(5, 43)).isNotEqualTo(a);
    // java.util.Random's algorithm is part of its specification: these hold on every JVM.
    assertThat(a.get(0))
        .isEqualTo(
            Map.of("lr", "0.0285185", "epochs", "7", "solver", "lbfgs", "dropout", "0.210831"));
    assertThat(a)
        .allSatisfy(
            p -> {
              assertThat(Double.parseDouble(p.get("lr"))).isBetween(0.001, 0.1);
              assertThat(Integer.parseInt(p.get("epochs"))).isBetween(1, 10);
              assertThat(Double.parseDouble(p.get("dropout"))).isBetween(0.1, 0.5);
            });
  }

  @Test
  void aRangeOverMoreThanADecadeIsDrawnLogUniformly() {
    assertThat(((Parameter.RealRange) Parameter.parse("lr=0.001..0.1")).logScale()).isTrue();
    assertThat(((Parameter.RealRange) Parameter.parse("x=1..10.0")).logScale())
        .as("one decade: uniform")
        .isFalse();
    assertThat(((Parameter.RealRange) Parameter.parse("x=-1..100.0")).logScale())
        .as("not positive: uniform")
        .isFalse();
    List<Double> lr = new ArrayList<>();
    ParameterSpace.parse(List.of("lr=0.0001..1.0"))
        .random(2001, 7)
        .forEach(p -> lr.add(Double.parseDouble(p.get("lr"))));
    Collections.sort(lr);
    // Log-uniform over 4 decades: the median is near 10^-2 (uniform would put it near 0.5).
    assertThat(lr.get(1000)).isBetween(0.005, 0.02);
    assertThat(lr.stream().filter(v -> v < 0.001).count())
        .as("about a quarter in the lowest decade")
        .isBetween(400L, 600L);
  }

  @Test
  void aUniformDrawCoversItsRange() {
    List<Double> xs = new ArrayList<>();
    ParameterSpace.parse(List.of("x=0.5..1.5"))
        .random(1000, 1)
        .forEach(p -> xs.add(Double.parseDouble(p.get("x"))));
    assertThat(xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow())
        .isBetween(0.95, 1.05);
  }

  @Test
  void argumentsNamedOrPositional() {
    Map<String, String> point =
        ParameterSpace.parse(List.of("reg=10", "solver=saga")).grid().get(0);
    assertThat(ArgumentStyle.NAMED.arguments(point, List.of("--epochs", "3")))
        .containsExactly("--reg", "10", "--solver", "saga", "--epochs", "3");
    assertThat(ArgumentStyle.POSITIONAL.arguments(point, List.of("x")))
        .containsExactly("10", "saga", "x");
  }

  @Test
  void mistakesAreOneLineErrors() {
    assertBad(List.of("reg"), "parameter 'reg' must be NAME=VALUES");
    assertBad(List.of("=1,2"), "must be NAME=VALUES");
    assertBad(List.of("1x=1"), "parameter name '1x' must start with a letter");
    assertBad(List.of("reg=1,,2"), "parameter reg has an empty value");
    assertBad(List.of("reg=1", "reg=2"), "parameter reg is given twice");
    assertBad(List.of(), "a sweep needs at least one parameter");
    assertBad(List.of("x=10..1"), "goes down");
    assertBad(List.of("x=a..b"), "'a' is not a number");
    assertBad(List.of("x=1d..2"), "'1d' is not a number");
    assertThatThrownBy(() -> ParameterSpace.parse(List.of("lr=0.001..0.1")).grid())
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("lr=0.001..0.1 is a range of real numbers: a grid needs values");
    assertThatThrownBy(() -> ParameterSpace.parse(List.of("a=1..100", "b=1..101")).grid())
        .hasMessageContaining("more than 10000 combinations");
    assertThatThrownBy(() -> ParameterSpace.parse(List.of("a=1..100000")).grid())
        .hasMessageContaining("more than 10000 values");
    assertThatThrownBy(() -> ParameterSpace.parse(List.of("a=1,2")).random(0, 1))
        .hasMessageContaining("--random must be from 1 to 10000");
  }

  private static void assertBad(List<String> specs, String message) {
    assertThatThrownBy(() -> ParameterSpace.parse(specs).grid())
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
