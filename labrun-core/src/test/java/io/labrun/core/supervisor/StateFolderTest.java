package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFolderTest {
  @TempDir Path state;

  private void exit(String extra) throws Exception {
    Files.writeString(
        state.resolve("exit.json"),
        "{\"exit_code\": 0, \"signal\": null, \"ended_ms\": 1764150000000, \"canceled\": false,"
            + " \"timed_out\": false, \"error\": null, \"dropped_output_bytes\": 0"
            + extra
            + "}");
  }

  @Test
  void onlyAnExitRecordThatSaysSoMeansThereAreNoOutputs() throws Exception {
    assertThat(StateFolder.reportsNoOutputs(state)).as("no exit record yet").isFalse();
    exit("");
    assertThat(StateFolder.reportsNoOutputs(state)).as("a supervisor that does not tell").isFalse();
    exit(", \"outputs\": true");
    assertThat(StateFolder.reportsNoOutputs(state)).isFalse();
    exit(", \"outputs\": false");
    assertThat(StateFolder.reportsNoOutputs(state)).isTrue();
    assertThat(StateFolder.readExit(state)).get().satisfies(e -> assertThat(e.exitCode()).isZero());
  }
}
