package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.TargetType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code .compute} files shaped like the original's. */
class ComputeTargetReadTest {
  @TempDir Path root;

  @Test
  void theOriginalLocalSample() {
    TestProject p =
        new TestProject(root)
            .write(
                "local.compute",
                """
                type: "local"
                pythonLocation: "python"
                sparkSubmitLocation: "spark-submit"
                nativeSharedDirectory: "~/.azureml/share/"
                """);

    Loaded<ComputeTargetSpec> loaded = p.configs.computeTarget("local");

    ComputeTargetSpec spec = loaded.value();
    assertThat(spec.name()).isEqualTo("local");
    assertThat(spec.type()).isEqualTo(TargetType.LOCAL);
    assertThat(spec.pythonLocation()).isEqualTo("python");
    assertThat(spec.sparkSubmitLocation()).isEqualTo("spark-submit");
    assertThat(spec.nativeSharedDirectory()).isEqualTo("~/.azureml/share/");
    assertThat(spec.baseDockerImage()).isNull();
    assertThat(spec.otherKeys()).isEmpty();
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void theOriginalDockerSampleWithItsCommentedOutKey() {
    TestProject p =
        new TestProject(root)
            .write(
                "docker.compute",
                """
                type: "localdocker"
                baseDockerImage: "microsoft/mmlspark:plus-0.9.9"
                #sharedVolumes: true
                """);

    ComputeTargetSpec spec = p.configs.computeTarget("docker").value();

    assertThat(spec.type()).isEqualTo(TargetType.DOCKER);
    assertThat(spec.baseDockerImage()).isEqualTo("microsoft/mmlspark:plus-0.9.9");
    assertThat(spec.sharedVolumes()).isNull();
  }

  @Test
  void bothDockerSpellingsAndAnyCase() {
    TestProject p =
        new TestProject(root)
            .write("a.compute", "type: docker\n")
            .write("b.compute", "type: LocalDocker\n")
            .write("c.compute", "type: RemoteDocker\n");

    assertThat(p.configs.computeTarget("a").value().type()).isEqualTo(TargetType.DOCKER);
    assertThat(p.configs.computeTarget("b").value().type()).isEqualTo(TargetType.DOCKER);
    assertThat(p.configs.computeTarget("c").value().type()).isEqualTo(TargetType.REMOTE_DOCKER);
  }

  @Test
  void everyKeyOfARemoteTarget() {
    TestProject p =
        new TestProject(root)
            .write(
                "gpu.compute",
                """
                # a remote Docker host with a GPU
                type: remotedocker
                baseDockerImage: nvidia/cuda:12.4.1-runtime-ubuntu22.04
                address: 10.0.0.7   # the lab machine
                port: 2222
                username: sshuser
                password: "AES:Zm9vYmFy"
                sshKeyFile: ~/.ssh/labrun_gpu
                hostKeyFingerprint: "SHA256:abc/def+ghi"
                sharedVolumes: False
                nvidiaDocker: True
                nativeSharedDirectory: /data/share
                userManagedEnvironment: FALSE
                pythonLocation: /opt/conda/bin/python
                sparkSubmitLocation: /opt/spark/bin/spark-submit
                sparkMaster: "local[*]"
                """);

    ComputeTargetSpec s = p.configs.computeTarget("gpu").value();

    assertThat(s.type()).isEqualTo(TargetType.REMOTE_DOCKER);
    assertThat(s.baseDockerImage()).isEqualTo("nvidia/cuda:12.4.1-runtime-ubuntu22.04");
    assertThat(s.address()).isEqualTo("10.0.0.7");
    assertThat(s.port()).isEqualTo(2222);
    assertThat(s.username()).isEqualTo("sshuser");
    assertThat(s.password()).isEqualTo("AES:Zm9vYmFy");
    assertThat(s.sshKeyFile()).isEqualTo("~/.ssh/labrun_gpu");
    assertThat(s.hostKeyFingerprint()).isEqualTo("SHA256:abc/def+ghi");
    assertThat(s.sharedVolumes()).isFalse();
    assertThat(s.nvidiaDocker()).isTrue();
    assertThat(s.nativeSharedDirectory()).isEqualTo("/data/share");
    assertThat(s.userManagedEnvironment()).isFalse();
    assertThat(s.pythonLocation()).isEqualTo("/opt/conda/bin/python");
    assertThat(s.sparkSubmitLocation()).isEqualTo("/opt/spark/bin/spark-submit");
    assertThat(s.sparkMaster()).isEqualTo("local[*]");
  }

  @Test
  void booleansInEveryYaml12SpellingAndQuoted() {
    TestProject p =
        new TestProject(root)
            .write("a.compute", "type: docker\nsharedVolumes: true\nnvidiaDocker: TRUE\n")
            .write("b.compute", "type: docker\nsharedVolumes: \"false\"\nnvidiaDocker: 'True'\n");

    assertThat(p.configs.computeTarget("a").value().sharedVolumes()).isTrue();
    assertThat(p.configs.computeTarget("a").value().nvidiaDocker()).isTrue();
    assertThat(p.configs.computeTarget("b").value().sharedVolumes()).isFalse();
    assertThat(p.configs.computeTarget("b").value().nvidiaDocker()).isTrue();
  }

  @Test
  void aNullValueMeansNotSet() {
    TestProject p = new TestProject(root).write("r.compute", "type: remote\nport:\nusername: ~\n");

    ComputeTargetSpec s = p.configs.computeTarget("r").value();

    assertThat(s.port()).isNull();
    assertThat(s.username()).isNull();
  }

  @Test
  void aLegacyClusterFileWithoutTypeIsAClusterAndKeepsItsKeysQuietly() {
    TestProject p =
        new TestProject(root)
            .write(
                "spark.compute",
                """
                address: "head.example.org"
                username: "sshuser"
                password: "AES:c2VjcmV0"
                cluster: True
                native: True
                """);

    Loaded<ComputeTargetSpec> loaded = p.configs.computeTarget("spark");

    assertThat(loaded.value().type()).isEqualTo(TargetType.CLUSTER);
    assertThat(loaded.value().otherKeys())
        .containsExactly(Assertions.entry("cluster", true), Assertions.entry("native", true));
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void unknownKeysAreKeptInFileOrderWithAWarningEach() {
    TestProject p =
        new TestProject(root)
            .write(
                "x.compute",
                """
                type: docker
                zeta: 1
                baseDockerImages: python:3.11
                alpha:
                  nested: [1, two]
                Type: docker
                """);

    Loaded<ComputeTargetSpec> loaded = p.configs.computeTarget("x");

    assertThat(loaded.value().otherKeys())
        .containsOnlyKeys("zeta", "baseDockerImages", "alpha", "Type");
    assertThat(loaded.value().otherKeys().keySet())
        .containsExactly("zeta", "baseDockerImages", "alpha", "Type");
    assertThat(loaded.value().otherKeys().get("zeta")).isEqualTo(1L);
    assertThat(loaded.value().otherKeys().get("alpha"))
        .isEqualTo(Map.of("nested", List.of(1L, "two")));
    assertThat(loaded.warnings())
        .containsExactly(
            "aml_config/x.compute:2:1: unknown key 'zeta' kept as is",
            "aml_config/x.compute:3:1: unknown key 'baseDockerImages' kept as is (did you mean"
                + " 'baseDockerImage'?)",
            "aml_config/x.compute:4:1: unknown key 'alpha' kept as is",
            "aml_config/x.compute:6:1: unknown key 'Type' kept as is (did you mean 'type'?)");
  }

  @Test
  void namesAreTheFilesInAmlConfig() {
    TestProject p =
        new TestProject(root)
            .write("local.compute", "type: local\n")
            .write("docker.compute", "type: docker\n")
            .write("local.runconfig", "Target: local\n")
            .write("notes.txt", "");

    assertThat(p.configs.computeTargetNames()).containsExactly("docker", "local");
    assertThat(p.configs.runConfigurationNames()).containsExactly("local");
  }
}
