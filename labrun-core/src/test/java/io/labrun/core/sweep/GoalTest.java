package io.labrun.core.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoalTest {
  @Test
  void bestFirstPutsRunsWithoutAValueLastAndKeepsTiesInOrder() {
    List<Double> values = Arrays.asList(0.5, null, Double.NaN, 0.9, 0.1, 0.9);
    List<Double> max = new ArrayList<>(values);
    max.sort(Goal.MAX.bestFirst());
    assertThat(max.subList(0, 4)).containsExactly(0.9, 0.9, 0.5, 0.1);
    assertThat(max.subList(4, 6)).containsExactly(null, Double.NaN);
    List<Double> min = new ArrayList<>(values);
    min.sort(Goal.MIN.bestFirst());
    assertThat(min.subList(0, 4)).containsExactly(0.1, 0.5, 0.9, 0.9);
    assertThat(min.subList(4, 6)).containsExactly(null, Double.NaN);
  }
}
