package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkMasterTest {
  @Test
  void endpointsOfEachKindOfMaster() {
    assertThat(new SparkMaster("spark://head:7077").endpoints())
        .containsExactly(new SparkMaster.Endpoint("head", 7077));
    assertThat(new SparkMaster("spark://m1:7077,m2:7078").endpoints())
        .containsExactly(
            new SparkMaster.Endpoint("m1", 7077), new SparkMaster.Endpoint("m2", 7078));
    assertThat(new SparkMaster("spark://head").endpoints())
        .containsExactly(new SparkMaster.Endpoint("head", 7077));
    assertThat(new SparkMaster("k8s://https://api.example.org:6443").endpoints())
        .containsExactly(new SparkMaster.Endpoint("api.example.org", 6443));
    assertThat(new SparkMaster("k8s://api.example.org").endpoints())
        .containsExactly(new SparkMaster.Endpoint("api.example.org", 443));
    assertThat(new SparkMaster("yarn").endpoints()).isEmpty();
    assertThat(new SparkMaster("local[*]").endpoints()).isEmpty();
  }

  @Test
  void theStandaloneWebUiIsOnSparksPortUnlessConfigured() {
    assertThat(new SparkMaster("spark://head:7077").webUi(Map.of())).contains("http://head:8080");
    assertThat(
            new SparkMaster("spark://head:7077").webUi(Map.of("SPARK_MASTER_WEBUI_PORT", "18090")))
        .contains("http://head:18090");
    assertThat(new SparkMaster("yarn").webUi(Map.of())).isEmpty();
  }

  @Test
  void probeAcceptsAListeningMasterAndRefusesAClosedPortAtOnce() throws Exception {
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      new SparkMaster("spark://127.0.0.1:" + open.getLocalPort())
          .probe(Duration.ofSeconds(3), "spark");
      new SparkMaster("spark://127.0.0.1:1,127.0.0.1:" + open.getLocalPort())
          .probe(Duration.ofSeconds(3), "spark");
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String url = "spark://127.0.0.1:" + closed;
    assertThatThrownBy(() -> new SparkMaster(url).probe(Duration.ofSeconds(3), "mycluster"))
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TARGET_UNAVAILABLE))
        .hasMessage(
            "Spark master "
                + url
                + " is unreachable (127.0.0.1:"
                + closed
                + ": Connection refused); start it, or fix sparkMaster in"
                + " aml_config/mycluster.compute");
    new SparkMaster("yarn").probe(Duration.ofSeconds(1), "spark"); // nothing to probe from here
  }
}
