package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.app.RunPipeline;
import io.labrun.core.project.Project;
import io.labrun.format.ProjectTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The targets of the server's project: what locates them, never a password or a key file. */
class TargetsApiTest {
  @TempDir Path tmp;

  @Test
  void targetsAreListedWithoutSecrets() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("iris"));
    ProjectTemplate.create(new Project(dir));
    Files.writeString(
        dir.resolve("aml_config/gpu.compute"),
        """
        type: remotedocker
        address: gpu1.example.org
        username: alice
        password: "enc:v1:c2VjcmV0LWNpcGhlcnRleHQ="
        sshKeyFile: /home/alice/.ssh/id_secret
        """);
    try (TestServer srv =
        new TestServer(
            tmp.resolve("home"),
            TestDatabases.sqlite(tmp),
            new Project(dir),
            (RunPipeline) null,
            ServerConfig.defaults())) {
      Http.Response r = srv.http.get("/api/v1/targets");
      JsonNode j = r.json();
      assertThat(j.get("project").asString()).isEqualTo("iris");
      assertThat(j.get("targets"))
          .extracting(t -> t.get("name").asString())
          .contains("local", "docker", "gpu");
      assertThat(j.get("run_configurations"))
          .extracting(JsonNode::asString)
          .contains("local", "docker");
      JsonNode gpu = null;
      for (JsonNode t : j.get("targets")) {
        if (t.get("name").asString().equals("gpu")) {
          gpu = t;
        }
      }
      assertThat(gpu.get("address").asString()).isEqualTo("gpu1.example.org");
      assertThat(gpu.get("type").asString()).isEqualTo("remotedocker");
      assertThat(r.body()).doesNotContain("enc:v1", "c2VjcmV0", "id_secret", "password");
    }
    try (TestServer bare =
        new TestServer(tmp.resolve("home2"), TestDatabases.sqlite(tmp.resolve("2")))) {
      assertThat(bare.http.get("/api/v1/targets").json().get("targets").size()).isZero();
    }
  }
}
