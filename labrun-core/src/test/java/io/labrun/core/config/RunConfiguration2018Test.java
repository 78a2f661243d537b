package io.labrun.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the 2018 format means, as opposed to the 2017 one: Docker in the run configuration, the
 * interpreter, script and arguments.
 */
class RunConfiguration2018Test {
  private static final ComputeTargetSpec LOCAL =
      ComputeTargetSpec.of("local", TargetType.LOCAL)
          .withNativeSharedDirectory("~/.azureml/share/")
          .withPython("python", null, null);

  private static RunConfiguration config(
      RunConfiguration.Form form, Boolean userManaged, String interpreter, DockerSection docker) {
    return new RunConfiguration(
        "c",
        null,
        List.of("--epochs", "3"),
        "local",
        Map.of(),
        Framework.PYTHON,
        null,
        null,
        false,
        true,
        Map.of(),
        form,
        null,
        null,
        ".\\train.py",
        userManaged,
        interpreter,
        docker,
        null,
        null);
  }

  @Test
  void dockerEnabledRunsALocalTargetsScriptsInALocalContainerOfTheBaseImage() {
    RunConfiguration c =
        config(
            RunConfiguration.Form.YAML_2018,
            false,
            "python",
            new DockerSection(true, "microsoft/mmlspark:plus-0.9.9", true, true, null));

    ComputeTargetSpec t = c.effectiveTarget(LOCAL);

    assertThat(t.type()).isEqualTo(TargetType.DOCKER);
    assertThat(t.name()).isEqualTo("local");
    assertThat(t.baseDockerImage()).isEqualTo("microsoft/mmlspark:plus-0.9.9");
    assertThat(t.sharesVolumes()).isTrue();
    assertThat(t.wantsGpu()).isTrue();
    assertThat(t.nativeSharedDirectory()).isEqualTo("~/.azureml/share/");
    assertThat(t.userManagedEnvironment()).isFalse();
    assertThat(c.interpreterAsIs()).isFalse();
  }

  @Test
  void dockerDisabledOrNotSetLeavesTheTargetLocalWithTheConfigurationsInterpreter() {
    for (DockerSection docker :
        new DockerSection[] {null, new DockerSection(false, "python:3", null, null, null)}) {
      ComputeTargetSpec t =
          config(RunConfiguration.Form.YAML_2018, true, "/opt/py/bin/python", docker)
              .effectiveTarget(LOCAL);
      assertThat(t.type()).isEqualTo(TargetType.LOCAL);
      assertThat(t.python()).isEqualTo("/opt/py/bin/python");
      assertThat(t.userManagedEnvironment()).isTrue();
    }
  }

  @Test
  void aRemoteTargetWithDockerEnabledRunsInTheHostsDocker() {
    ComputeTargetSpec remote =
        ComputeTargetSpec.of("vm", TargetType.REMOTE).withConnection("10.0.0.7", 22, "me");
    ComputeTargetSpec t =
        config(
                RunConfiguration.Form.YAML_2018,
                false,
                null,
                new DockerSection(true, "img:1", null, null, null))
            .effectiveTarget(remote);
    assertThat(t.type()).isEqualTo(TargetType.REMOTE_DOCKER);
    assertThat(t.address()).isEqualTo("10.0.0.7");
    assertThat(t.baseDockerImage()).isEqualTo("img:1");
  }

  @Test
  void aYaml2017ConfigurationLeavesTheTargetAsItsFileSaysIt() {
    assertThat(
            config(
                    RunConfiguration.Form.YAML,
                    true,
                    "python9",
                    new DockerSection(true, "x", true, true, null))
                .effectiveTarget(LOCAL))
        .isEqualTo(LOCAL);
  }

  @Test
  void theFilesArgumentsGoWithTheFilesScriptAndTheCommandLineReplacesBoth() {
    RunConfiguration c = config(RunConfiguration.Form.YAML_2018, true, null, null);

    assertThat(c.scriptPath()).isEqualTo("train.py");
    assertThat(c.expandArguments("train.py", List.of()))
        .containsExactly("train.py", "--epochs", "3");
    assertThat(c.expandArguments("train.py", List.of("--epochs", "9")))
        .containsExactly("train.py", "--epochs", "9");
    assertThat(c.expandArguments("other.py", List.of())).containsExactly("other.py");
  }
}
