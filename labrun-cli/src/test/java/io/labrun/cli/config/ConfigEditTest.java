package io.labrun.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing a project's files from the command line: {@code attach --force}, {@code create --force},
 * {@code set} and {@code unset} change only the keys they were given and keep the rest of the file
 * byte for byte; a refused value leaves the file untouched.
 */
class ConfigEditTest {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() {
    cli = new Cli(tmp);
    project = tmp.resolve("proj");
    Cli.Result r = cli.in(tmp, "project", "init", "proj");
    assertThat(r.code()).as(r.toString()).isZero();
  }

  private Path file(String name) {
    return project.resolve("aml_config").resolve(name);
  }

  private String write(String name, String text) throws Exception {
    Files.writeString(file(name), text);
    return text;
  }

  @Test
  void attachForceChangesOnlyTheGivenKeys() throws Exception {
    write(
        "gpu.compute",
        """
        # our GPU box
        type: docker
        baseDockerImage: old/image:1   # pinned
        sharedVolumes: true
        myTeamTag: vision
        """);
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "gpu",
            "-t",
            "docker",
            "--base-docker-image",
            "new/image:2",
            "--force");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readString(file("gpu.compute")))
        .isEqualTo(
            """
            # our GPU box
            type: docker
            baseDockerImage: "new/image:2"   # pinned
            sharedVolumes: true
            myTeamTag: vision
            """);
  }

  @Test
  void createForceKeepsAJsonRunConfigurationJsonWithItsOtherKeys() throws Exception {
    write(
        "old.runconfig",
        """
        {
          "ArgumentVector": ["$file"],
          "Target": "local",
          "Description": "the first one",
          "ManagedEnvironment": true,
          "CondaFile": "aml_config/conda_dependencies.yml"
        }
        """);
    Cli.Result r =
        cli.in(project, "runconfiguration", "create", "-n", "old", "-t", "docker", "--force");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readString(file("old.runconfig")))
        .isEqualTo(
            """
            {
              "ArgumentVector": ["$file"],
              "Target": "docker",
              "Description": "the first one",
              "ManagedEnvironment": true,
              "CondaFile": "aml_config/conda_dependencies.yml"
            }
            """);
  }

  @Test
  void createForceKeepsDescriptionRunPolicyAndUnknownKeysOfAYamlFile() throws Exception {
    write(
        "fast.runconfig",
        """
        ArgumentVector:
          - $file
        Target: local
        Description: quick checks   # for CI
        Timeout: "30m"
        Retries: 2
        ourOwnKey: 7
        """);
    Cli.Result r =
        cli.in(
            project,
            "runconfiguration",
            "create",
            "-n",
            "fast",
            "-t",
            "docker",
            "-f",
            "PySpark",
            "--force");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readString(file("fast.runconfig")))
        .isEqualTo(
            """
            ArgumentVector:
              - $file
            Target: docker
            Description: quick checks   # for CI
            Timeout: "30m"
            Retries: 2
            ourOwnKey: 7
            Framework: PySpark
            """);
  }

  @Test
  void setChangesOneKeyInPlace() throws Exception {
    write(
        "gpu.compute",
        """
        type: remotedocker   # the lab's box
        address: gpu.example
        port: 22             # ssh
        username: me
        myTeamTag: vision
        """);
    Cli.Result r = cli.in(project, "computetarget", "set", "gpu", "port=2222", "memoryLimit=2g");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Updated aml_config/gpu.compute: port, memoryLimit.");
    assertThat(Files.readString(file("gpu.compute")))
        .isEqualTo(
            """
            type: remotedocker   # the lab's box
            address: gpu.example
            port: 2222             # ssh
            username: me
            myTeamTag: vision
            memoryLimit: "2g"
            """);
    Cli.Result u = cli.in(project, "computetarget", "unset", "gpu", "memoryLimit", "myTeamTag");
    assertThat(u.code()).as(u.toString()).isZero();
    assertThat(Files.readString(file("gpu.compute")))
        .isEqualTo(
            """
            type: remotedocker   # the lab's box
            address: gpu.example
            port: 2222             # ssh
            username: me
            """);
  }

  @Test
  void setKeepsAJsonRunConfigurationJson() throws Exception {
    write(
        "old.runconfig",
        "{\n"
            + "  \"Target\": \"local\",\n"
            + "  \"Description\": \"d\",\n"
            + "  \"ManagedEnvironment\": true\n"
            + "}\n");
    Cli.Result r =
        cli.in(
            project,
            "runconfiguration",
            "set",
            "old",
            "ArgumentVector=[$file, --fast]",
            "Timeout=1h30m");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readString(file("old.runconfig")))
        .isEqualTo(
            """
            {
              "Target": "local",
              "Description": "d",
              "ManagedEnvironment": true,
              "ArgumentVector": ["$file", "--fast"],
              "Timeout": "1h30m"
            }
            """);
  }

  @Test
  void aBadValueIsOneLineWithTheKeyAndWhatIsAllowedAndTheFileIsUntouched() throws Exception {
    String before = Files.readString(file("docker.compute"));
    assertRefused(
        cli.in(project, "computetarget", "set", "docker", "port=abc"),
        "'port' must be a whole number from 1 to 65535, got \"abc\"");
    assertRefused(
        cli.in(project, "computetarget", "set", "docker", "memoryLimit=5m"),
        "'memoryLimit' must be a size of at least 6m");
    assertRefused(
        cli.in(project, "computetarget", "set", "docker", "nvidiaDocker=yes"),
        "'nvidiaDocker' must be true or false");
    assertRefused(
        cli.in(project, "computetarget", "set", "docker", "baseDockerImages=x"),
        "unknown key 'baseDockerImages'");
    assertRefused(
        cli.in(project, "computetarget", "unset", "docker", "type"), "'type' cannot be removed");
    assertRefused(cli.in(project, "computetarget", "set", "docker", "port"), "is not KEY=VALUE");
    assertThat(Files.readString(file("docker.compute"))).isEqualTo(before);
    String rc = Files.readString(file("docker.runconfig"));
    assertRefused(
        cli.in(project, "runconfiguration", "set", "docker", "Retries=500"),
        "'Retries' must be a whole number from 0 to 100");
    assertRefused(
        cli.in(project, "runconfiguration", "set", "docker", "Framework=Scala"),
        "'Framework' must be Python or PySpark");
    assertThat(Files.readString(file("docker.runconfig"))).isEqualTo(rc);
  }

  @Test
  void aPasswordOnlyThroughStandardInput() throws Exception {
    cli.run(
        project,
        "",
        "computetarget",
        "attach",
        "-n",
        "vm",
        "-t",
        "remote",
        "-a",
        "h",
        "-u",
        "me",
        "--ssh-agent",
        "--no-connect");
    String before = Files.readString(file("vm.compute"));
    Cli.Result refused = cli.in(project, "computetarget", "set", "vm", "password=hunter2");
    assertRefused(refused, "a password is never given on the command line");
    assertThat(refused.err()).contains("--password-stdin").doesNotContain("hunter2");
    assertThat(Files.readString(file("vm.compute"))).isEqualTo(before);

    Cli.Result ok =
        cli.run(project, "hunter2-Secret\n", "computetarget", "set", "vm", "--password-stdin");
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(Files.readString(file("vm.compute")))
        .startsWith(before)
        .contains("password: \"enc:v1:")
        .doesNotContain("hunter2");
  }

  @Test
  void showRefusesABadMemoryLimitWithItsPosition() throws Exception {
    write("docker.compute", "type: docker\nbaseDockerImage: python:3.11\nmemoryLimit: 5m\n");
    Cli.Result r = cli.in(project, "computetarget", "show", "docker");
    assertRefused(
        r,
        "aml_config/docker.compute:3:14: 'memoryLimit' must be a size of at least 6m, such as 512m"
            + " or 2g, got \"5m\"");
  }

  @Test
  void aFailedAttachWithAGeneratedKeyLeavesNoKeyPair() throws Exception {
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "vm",
            "-t",
            "remote",
            "-a",
            "127.0.0.1:1",
            "-u",
            "me",
            "--generate-ssh-key");
    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    Path keys = tmp.resolve("labrun/config/ssh");
    assertThat(keys.resolve("proj_vm_ed25519")).doesNotExist();
    assertThat(keys.resolve("proj_vm_ed25519.pub")).doesNotExist();
    assertThat(file("vm.compute")).doesNotExist();
  }

  private static void assertRefused(Cli.Result r, String expected) {
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).as(r.toString()).startsWith("labrun: ").contains(expected);
    assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
  }
}
