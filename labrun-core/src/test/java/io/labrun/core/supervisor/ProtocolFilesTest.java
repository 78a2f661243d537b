package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.run.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** launch.json, supervisor.json and exit.json as the supervisor reads and writes them. */
class ProtocolFilesTest {
  @Test
  void launchSpecWritesTheDocumentedFields() {
    LaunchSpec spec =
        LaunchSpec.of(
                List.of("python3", "train.py", "0.5"), "/work", Map.of("NAME", "value"), 12345)
            .withFinalizeArgv(List.of("/bin/labrun", "internal", "finalize", "RUN_ID"));
    assertThat(spec.toJson())
        .isEqualTo(
            "{\"argv\":[\"python3\",\"train.py\",\"0.5\"],\"cwd\":\"/work\",\"env\":{\"NAME\":\"value\"},"
                + "\"log_limit_bytes\":67108864,\"timeout_seconds\":null,\"kill_grace_seconds\":10,\"parent_pid\":12345,"
                + "\"finalize_argv\":[\"/bin/labrun\",\"internal\",\"finalize\",\"RUN_ID\"]}");
  }

  @Test
  void launchSpecRoundTrips() {
    LaunchSpec spec =
        new LaunchSpec(
            List.of("python3", "t é.py"),
            null,
            Map.of("B", "2", "A", "1\t\"x\""),
            1000,
            60L,
            3,
            7,
            null);
    assertThat(LaunchSpec.parse(spec.toJson())).isEqualTo(spec);
  }

  @Test
  void launchSpecDefaults() {
    LaunchSpec spec = LaunchSpec.parse("{\"argv\":[\"python3\"]}");
    assertThat(spec.logLimitBytes()).isEqualTo(LaunchSpec.DEFAULT_LOG_LIMIT_BYTES);
    assertThat(spec.killGraceSeconds()).isEqualTo(10);
    assertThat(spec.timeoutSeconds()).isNull();
    assertThat(spec.env()).isEmpty();
    assertThat(spec.finalizeArgv()).isNull();
  }

  @Test
  void launchSpecRejectsNonsense() {
    assertThatThrownBy(() -> LaunchSpec.of(List.of(), "/", Map.of(), 1))
        .hasMessageContaining("argv");
    assertThatThrownBy(() -> LaunchSpec.of(List.of("x"), "/", Map.of(), 1).withTimeoutSeconds(0L))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LaunchSpec.parse("{\"argv\":\"python3\"}"))
        .hasMessageContaining("launch.json")
        .hasMessageContaining("argv");
    assertThatThrownBy(() -> LaunchSpec.parse("{\"argv\":[1]}")).hasMessageContaining("argv");
  }

  @Test
  void supervisorState() {
    SupervisorState s =
        SupervisorState.parse(
            "{\"pid\": 10, \"child_pid\": 11, \"child_pgid\": 11, \"started_ms\": 1700000000123}");
    assertThat(s).isEqualTo(new SupervisorState(10, 11, 11, Instant.ofEpochMilli(1700000000123L)));
    assertThatThrownBy(() -> SupervisorState.parse("{\"pid\": 10}"))
        .hasMessageContaining("child_pid")
        .hasMessageContaining("missing");
  }

  @Test
  void exitRecordOfANormalExit() {
    ExitRecord e =
        ExitRecords.parse(
            "{\"exit_code\": 3, \"signal\": null, \"ended_ms\": 1700000000000, \"canceled\": false,"
                + " \"timed_out\": false, \"error\": null, \"dropped_output_bytes\": 0}");
    assertThat(e)
        .isEqualTo(
            new ExitRecord(
                3, null, Instant.ofEpochMilli(1700000000000L), false, false, false, null, 0));
    assertThat(e.status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void exitRecordOfACancelAndOfAStartFailure() {
    ExitRecord canceled =
        ExitRecords.parse(
            "{\"exit_code\": 143, \"signal\": 15, \"ended_ms\": 1, \"canceled\": true,"
                + " \"timed_out\": false, \"error\": null, \"dropped_output_bytes\": 12}");
    assertThat(canceled.signal()).isEqualTo(15);
    assertThat(canceled.droppedOutputBytes()).isEqualTo(12);
    assertThat(canceled.status()).isEqualTo(RunStatus.CANCELED);
    ExitRecord notFound =
        ExitRecords.parse(
            "{\"exit_code\": 127, \"ended_ms\": 1, \"error\": \"program not found: python9\"}");
    assertThat(notFound.status()).isEqualTo(RunStatus.FAILED);
    assertThat(notFound.describe()).isEqualTo("program not found: python9");
  }

  @Test
  void exitRecordRoundTrips() {
    ExitRecord e = new ExitRecord(137, 9, Instant.ofEpochMilli(5), false, true, false, "x", 42);
    assertThat(ExitRecords.parse(ExitRecords.toJson(e))).isEqualTo(e);
    assertThatThrownBy(() -> ExitRecords.toJson(ExitRecord.lost(Instant.EPOCH, "gone")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exitRecordWithBadFields() {
    assertThatThrownBy(() -> ExitRecords.parse("{\"exit_code\": \"3\", \"ended_ms\": 1}"))
        .hasMessageContaining("exit_code");
    assertThatThrownBy(() -> ExitRecords.parse("{\"exit_code\": 3}"))
        .hasMessageContaining("ended_ms");
    assertThatThrownBy(() -> ExitRecords.parse("not json")).hasMessageContaining("exit.json");
  }

  @Test
  void thePythonSideNamesTheStateFolderFilesAsStateFolderDoes() throws Exception {
    // StateFolder is where the Java side names them; the Python files name them once each too.
    String supervisor = python("labrun_supervisor.py");
    for (String name :
        List.of(
            StateFolder.LAUNCH,
            StateFolder.SUPERVISOR,
            StateFolder.OUTPUT_LOG,
            StateFolder.EXIT,
            StateFolder.METRICS,
            StateFolder.OUTPUTS)) {
      assertThat(supervisor).as(name).contains("\"" + name + "\"");
    }
    assertThat(python("labrun_zygote.py")).contains("\"" + StateFolder.SUPERVISOR_LOG + "\"");
    assertThat(python("azureml/core/run.py")).contains("UPLOADS = \"" + StateFolder.UPLOADS + "\"");
  }

  private static String python(String file) throws IOException {
    try (InputStream in =
        ProtocolFilesTest.class.getResourceAsStream("/io/labrun/python/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
