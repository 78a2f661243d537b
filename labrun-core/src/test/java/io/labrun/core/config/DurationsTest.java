package io.labrun.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.LabrunException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void theFormsPeopleWrite() {
    assertThat(Durations.parse("90s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("90")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("30m")).contains(Duration.ofMinutes(30));
    assertThat(Durations.parse(" 1h30m ")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("2H")).contains(Duration.ofHours(2));
    assertThat(Durations.parse("1d2h3m4s")).contains(Duration.ofSeconds(86_400 + 7_200 + 180 + 4));
    assertThat(Durations.parse("PT5M")).contains(Duration.ofMinutes(5));
    assertThat(Durations.parse("pt0.5s")).contains(Duration.ofMillis(500));
  }

  @Test
  void notDurations() {
    for (String bad :
        new String[] {
          "", "soon", "0", "0s", "-5s", "5 m", "1m1h", "PT-1S", "99999999999999999999s", "1.5h"
        }) {
      assertThat(Durations.parse(bad)).as(bad).isEmpty();
    }
    assertThat(Durations.parse(null)).isEmpty();
    assertThatThrownBy(() -> Durations.require("soon", "--timeout"))
        .isInstanceOf(LabrunException.class)
        .hasMessage("--timeout must be a duration such as 90s, 30m, 2h or 1h30m, got 'soon'");
  }

  @Test
  void formatIsShortAndReadsBack() {
    for (Duration d :
        new Duration[] {
          Duration.ofSeconds(2),
          Duration.ofMinutes(90),
          Duration.ofSeconds(86_400 + 61),
          Duration.ofMillis(1500)
        }) {
      assertThat(Durations.parse(Durations.format(d))).contains(d);
    }
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
  }
}
