package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ConfigException;
import io.labrun.core.config.RunConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labrun run-policy keys of a {@code .runconfig}: {@code Timeout} and {@code Retries}. */
class RunPolicyKeysTest {
  @TempDir Path root;

  @Test
  void durationsInEveryWrittenFormAndRetries() {
    TestProject p =
        new TestProject(root)
            .write("a.runconfig", "Target: local\nTimeout: 1h30m\nRetries: 2\n")
            .write("b.runconfig", "Target: local\nTimeout: 90\n")
            .write("c.runconfig", "Target: local\nTimeout: \"PT5M\"\nRetries: \"0\"\n")
            .write(
                "d.runconfig", "{ \"Target\": \"local\", \"Timeout\": \"45s\", \"Retries\": 3 }");

    assertThat(p.configs.runConfiguration("a").value().timeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(p.configs.runConfiguration("a").value().retriesOrDefault()).isEqualTo(2);
    assertThat(p.configs.runConfiguration("b").value().timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.configs.runConfiguration("b").value().retries()).isNull();
    assertThat(p.configs.runConfiguration("b").value().retriesOrDefault()).isZero();
    assertThat(p.configs.runConfiguration("c").value().timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.configs.runConfiguration("c").value().retries()).isZero();
    assertThat(p.configs.runConfiguration("d").value().timeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(p.configs.runConfiguration("d").value().retries()).isEqualTo(3);
    assertThat(p.configs.runConfiguration("a").warnings()).as("known keys, no warning").isEmpty();
  }

  @Test
  void notSetMeansNoTimeoutAndNoRetries() {
    RunConfiguration c =
        new TestProject(root)
            .write("a.runconfig", "Target: local\nTimeout:\n")
            .configs
            .runConfiguration("a")
            .value();
    assertThat(c.timeout()).isNull();
    assertThat(c.retries()).isNull();
  }

  @Test
  void badValuesAreOneLineErrorsWithTheirPosition() {
    TestProject p =
        new TestProject(root)
            .write("t.runconfig", "Target: local\nTimeout: soon\n")
            .write("z.runconfig", "Target: local\nTimeout: 0s\n")
            .write("r.runconfig", "Target: local\nRetries: -1\n")
            .write("m.runconfig", "Target: local\nRetries: 1000\n");
    assertThatThrownBy(() -> p.configs.runConfiguration("t"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "aml_config/t.runconfig:2:10: 'Timeout' must be a duration such as 90s, 30m, 2h or"
                + " 1h30m (or a number of seconds), got \"soon\"");
    assertThatThrownBy(() -> p.configs.runConfiguration("z"))
        .hasMessageContaining("z.runconfig:2:10: 'Timeout' must be a duration");
    assertThatThrownBy(() -> p.configs.runConfiguration("r"))
        .hasMessageContaining(":2:10: 'Retries' must be a whole number from 0 to 100");
    assertThatThrownBy(() -> p.configs.runConfiguration("m"))
        .hasMessageContaining("'Retries' must be a whole number from 0 to 100, got 1000");
  }

  @Test
  void writtenBackInTheShortestFormAndOnlyWhenChanged() {
    TestProject p =
        new TestProject(root)
            .write("a.runconfig", "Target: local   # here\nTimeout: 5400   # seconds\n");
    RunConfiguration c = p.configs.runConfiguration("a").value();

    p.configs.writeRunConfiguration(c);
    assertThat(p.read("a.runconfig"))
        .as("same value, left alone")
        .isEqualTo("Target: local   # here\nTimeout: 5400   # seconds\n");

    p.configs.writeRunConfiguration(c.withPolicy(Duration.ofMinutes(30), 2));
    // Quoted, as the emitter quotes any text that starts like a number.
    assertThat(p.read("a.runconfig"))
        .isEqualTo("Target: local   # here\nTimeout: \"30m\"   # seconds\nRetries: 2\n");
    assertThat(p.configs.runConfiguration("a").value())
        .isEqualTo(c.withPolicy(Duration.ofMinutes(30), 2));

    p.configs.writeRunConfiguration(c.withPolicy(null, null));
    assertThat(p.read("a.runconfig")).isEqualTo("Target: local   # here\n");
  }
}
