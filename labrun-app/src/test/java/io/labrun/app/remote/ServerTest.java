package io.labrun.app.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import org.junit.jupiter.api.Test;

class ServerTest {
  @Test
  void aServerShownInTextNeverShowsItsToken() {
    Server server = new Server("http://labrun.example.org:8470/", "lrt_secret-token-value");

    assertThat(server.url()).isEqualTo("http://labrun.example.org:8470");
    assertThat(server.toString())
        .contains("http://labrun.example.org:8470")
        .doesNotContain("secret-token-value");
  }

  @Test
  void aTypoInTheUrlSaysWhatToGive() {
    assertThatThrownBy(() -> Server.checkedUrl("labrun.example.org:8470"))
        .isInstanceOf(LabrunException.class)
        .hasMessage("'labrun.example.org:8470' is not a server URL; give one like http://HOST:8470")
        .extracting(e -> ((LabrunException) e).exitCode())
        .isEqualTo(ExitCode.BAD_INPUT);
  }
}
