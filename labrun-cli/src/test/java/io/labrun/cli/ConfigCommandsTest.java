package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration commands, run as a user types them: exit codes and printed text. */
class ConfigCommandsTest {
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

  @Test
  void projectInitCreatesTheOriginalsFilesAndKeepsExistingOnes() throws Exception {
    for (String f :
        new String[] {
          "local.compute",
          "local.runconfig",
          "docker.compute",
          "docker.runconfig",
          "conda_dependencies.yml",
          "spark_dependencies.yml"
        }) {
      assertThat(project.resolve("aml_config").resolve(f)).isRegularFile();
    }
    Files.writeString(
        project.resolve("aml_config/local.compute"),
        "type: local\npythonLocation: python3 # mine\n");
    Cli.Result again = cli.in(tmp, "project", "init", "proj");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("kept");
    assertThat(Files.readString(project.resolve("aml_config/local.compute"))).contains("# mine");
  }

  @Test
  void listsTheDefaultTargetsAndRunConfigurations() {
    Cli.Result targets = cli.in(project, "computetarget", "list");
    assertThat(targets.code()).isZero();
    assertThat(targets.out()).contains("local").contains("docker");
    Cli.Result rcs = cli.in(project, "runconfiguration", "list", "-o", "json");
    assertThat(rcs.code()).isZero();
    assertThat(rcs.out()).contains("\"name\" : \"local\"").contains("\"target\" : \"docker\"");
  }

  @Test
  void oneBrokenFileDoesNotHideTheOthers() throws Exception {
    Files.writeString(project.resolve("aml_config/broken.compute"), "type: local\nport: abc\n");
    Files.writeString(
        project.resolve("aml_config/broken.runconfig"), "Target: local\nTrackedRun: 1\n");
    Cli.Result targets = cli.in(project, "computetarget", "list");
    assertThat(targets.code()).as(targets.toString()).isZero();
    assertThat(targets.out()).contains("local").contains("docker").doesNotContain("broken");
    assertThat(targets.err().lines())
        .containsExactly(
            "labrun: warning: aml_config/broken.compute:2:7: 'port' must be a whole number from 1"
                + " to 65535, got \"abc\" (not listed)");
    Cli.Result rcs = cli.in(project, "runconfiguration", "list", "-o", "json");
    assertThat(rcs.code()).as(rcs.toString()).isZero();
    assertThat(rcs.out())
        .contains("\"name\" : \"local\"")
        .contains("\"name\" : \"docker\"")
        .doesNotContain("broken");
    assertThat(rcs.err().lines())
        .containsExactly(
            "labrun: warning: aml_config/broken.runconfig:2:13: 'TrackedRun' must be true or false,"
                + " got 1 (not listed)");
    assertThat(cli.in(project, "computetarget", "show", "broken").code()).isEqualTo(2);
    assertThat(cli.in(project, "runconfiguration", "show", "broken").code()).isEqualTo(2);
  }

  @Test
  void attachTakesTheTypeAsAWordAsTheOriginalsReadmesWriteIt() throws Exception {
    for (String type : new String[] {"remotedocker", "remote", "cluster"}) {
      Cli.Result r =
          cli.run(
              project,
              "pw\n",
              "computetarget",
              "attach",
              type,
              "--name",
              "vm-" + type,
              "--address",
              "10.1.2.3",
              "--username",
              "me",
              "--password-stdin",
              "--no-connect");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(Files.readString(project.resolve("aml_config/vm-" + type + ".compute")))
          .contains("type: " + type);
    }
    assertOneLineError(
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "x",
            "--address",
            "h",
            "--username",
            "me",
            "--ssh-agent"),
        "say which type of target");
    assertOneLineError(
        cli.in(project, "computetarget", "attach", "remote", "--type", "cluster", "--name", "x"),
        "two types given");
  }

  @Test
  void aWorkbenchCredentialStoreReferenceIsShownAsSuchAndNeverAsEncrypted() throws Exception {
    Files.writeString(
        project.resolve("aml_config/myvm.compute"),
        """
        type: "remotedocker"
        address: "127.0.0.1:1"
        username: "sshuser"
        password: "AzureMlSecret=fe0a8b7e-7c01-4d3c-a3a4-5e1a62a1d2a9"
        baseDockerImage: "microsoft/mmlspark:plus-0.9.9"
        """);
    Cli.Result show = cli.in(project, "computetarget", "show", "myvm");
    assertThat(show.code()).as(show.toString()).isZero();
    assertThat(show.out())
        .contains("AzureMlSecret=... (a reference to Azure ML Workbench's credential store")
        .contains("--password-stdin")
        .doesNotContain("(encrypted)")
        .doesNotContain("fe0a8b7e");
    Files.writeString(project.resolve("aml_config/myvm.runconfig"), "Target: myvm\n");
    Files.writeString(project.resolve("train.py"), "print('never runs')\n");
    Cli.Result submit = cli.in(project, "experiment", "submit", "-c", "myvm", "train.py");
    assertThat(submit.code()).as(submit.toString()).isNotZero();
    assertThat(submit.err())
        .contains("AzureMlSecret")
        .contains("attach the target again")
        .contains("--password-stdin")
        .doesNotContain("fe0a8b7e")
        .doesNotContain("Exception");
    assertThat(submit.out()).doesNotContain("never runs");
  }

  @Test
  void attachWithPasswordStoresItEncryptedAndNeverShowsIt() throws Exception {
    Cli.Result r =
        cli.run(
            project,
            "hunter2-Secret\n",
            "computetarget",
            "attach",
            "--name",
            "vm",
            "--type",
            "remotedocker",
            "--address",
            "10.1.2.3:2222",
            "--username",
            "me",
            "--password-stdin",
            "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
    String compute = Files.readString(project.resolve("aml_config/vm.compute"));
    assertThat(compute)
        .contains("enc:v1:")
        .doesNotContain("hunter2")
        .contains("port: 2222")
        .contains("address: ");
    assertThat(project.resolve("aml_config/vm.runconfig")).isRegularFile();
    Path key = tmp.resolve("labrun/config/secret.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(key.startsWith(project)).isFalse();

    Cli.Result show = cli.in(project, "computetarget", "show", "vm");
    assertThat(show.code()).isZero();
    assertThat(show.out())
        .contains("remotedocker")
        .contains("(encrypted)")
        .doesNotContain("hunter2")
        .doesNotContain("enc:v1");
    Cli.Result json = cli.in(project, "computetarget", "show", "vm", "-o", "json");
    assertThat(json.out()).doesNotContain("hunter2").doesNotContain("enc:v1");
    assertThat(cli.in(project, "computetarget", "list").out())
        .contains("password")
        .doesNotContain("hunter2");
  }

  @Test
  void passwordOnTheCommandLineWorksButWarns() throws Exception {
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
            "host",
            "-u",
            "me",
            "--password=pw123456",
            "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("shell history");
    assertThat(Files.readString(project.resolve("aml_config/vm.compute")))
        .doesNotContain("pw123456")
        .contains("userManagedEnvironment: true");
  }

  @Test
  void generatedKeyStaysOutOfTheProjectAndItsPublicLineIsPrinted() throws Exception {
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "gpu1",
            "-t",
            "remotedocker",
            "-a",
            "gpu.example",
            "-u",
            "me",
            "--generate-ssh-key",
            "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).containsPattern("ssh-ed25519 AAAA[A-Za-z0-9+/=]+ labrun:proj/gpu1");
    Path key = tmp.resolve("labrun/config/ssh/proj_gpu1_ed25519");
    assertThat(key).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(project.resolve("aml_config/gpu1.compute")))
        .contains("sshKeyFile: ")
        .contains(key.toString());
    Cli.Result again =
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "gpu1",
            "-t",
            "remotedocker",
            "-a",
            "gpu.example",
            "-u",
            "me",
            "--generate-ssh-key",
            "--no-connect");
    assertThat(again.code()).isEqualTo(2);
  }

  @Test
  void attachErrorsAreOneLineWithExitCodeTwo() {
    assertOneLineError(
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "x",
            "-t",
            "remotedocker",
            "-u",
            "me",
            "--password-stdin"),
        "--address is required");
    assertOneLineError(
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "x",
            "-t",
            "dokker",
            "-a",
            "h",
            "-u",
            "me",
            "--ssh-key",
            "k"),
        "--type must be one of");
    assertOneLineError(
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "x",
            "-t",
            "remote",
            "-a",
            "h:99999",
            "-u",
            "me",
            "--generate-ssh-key"),
        "between 1 and 65535");
    assertOneLineError(
        cli.in(
            project, "computetarget", "attach", "-n", "x", "-t", "remote", "-a", "h", "-u", "me"),
        "say how to log in");
    assertOneLineError(
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "x",
            "-t",
            "remote",
            "-a",
            "h",
            "-u",
            "me",
            "--ssh-key",
            "missing"),
        "no readable file");
    assertOneLineError(
        cli.in(
            project,
            "computetarget",
            "attach",
            "-n",
            "../evil",
            "-t",
            "remote",
            "-a",
            "h",
            "-u",
            "me",
            "--generate-ssh-key"),
        "not allowed");
    assertOneLineError(
        cli.in(project, "computetarget", "attach", "-n", "local", "-t", "local"), "exists already");
    assertOneLineError(
        cli.in(project, "computetarget", "attach", "-t", "local"), "Missing required option");
    assertOneLineError(
        cli.in(project, "computetarget", "show", "nope"), "no compute target 'nope'");
    assertOneLineError(cli.in(tmp, "computetarget", "list"), "no labrun project here");
  }

  @Test
  void runConfigurationCreateListShow() {
    Cli.Result r =
        cli.in(
            project,
            "runconfiguration",
            "create",
            "-n",
            "fast",
            "-t",
            "local",
            "-e",
            "LR=0.1",
            "-e",
            "API_TOKEN=abc",
            "--tracked",
            "false");
    assertThat(r.code()).as(r.toString()).isZero();
    Cli.Result show = cli.in(project, "runconfiguration", "show", "fast", "-o", "json");
    assertThat(show.out())
        .contains("\"LR\" : \"0.1\"")
        .contains("\"API_TOKEN\" : \"***\"")
        .contains("\"tracked_run\" : false");
    assertOneLineError(
        cli.in(project, "runconfiguration", "create", "-n", "x", "-t", "nowhere"),
        "no compute target 'nowhere'");
    assertOneLineError(
        cli.in(project, "runconfiguration", "create", "-n", "x", "-t", "local", "-f", "Scala"),
        "Python or PySpark");
  }

  @Test
  void queryFiltersJsonWithJmesPath() {
    Cli.Result r =
        cli.in(
            project,
            "runconfiguration",
            "list",
            "-o",
            "json",
            "--query",
            "[?target=='docker'].name");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out().replaceAll("\\s", "")).isEqualTo("[\"docker\"]");
    assertOneLineError(
        cli.in(project, "runconfiguration", "list", "--query", "[?"), "not a valid JMESPath");
  }

  @Test
  void malformedFileIsOneClearLine() throws Exception {
    Files.writeString(
        project.resolve("aml_config/gpu.compute"),
        "type: remotedocker\naddress: h\nnvidiaDocker: yes please\n");
    Cli.Result r = cli.in(project, "computetarget", "show", "gpu");
    assertOneLineError(r, "aml_config/gpu.compute:3:");
    assertThat(r.err()).contains("nvidiaDocker");
  }

  @Test
  void detachRemovesTheTargetAndItsRunConfiguration() {
    cli.in(
        project,
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
        "--generate-ssh-key",
        "--no-connect");
    cli.in(project, "runconfiguration", "create", "-n", "vm-fast", "-t", "vm");
    Cli.Result r = cli.in(project, "computetarget", "detach", "vm");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(project.resolve("aml_config/vm.compute")).doesNotExist();
    assertThat(project.resolve("aml_config/vm.runconfig")).doesNotExist();
    assertThat(r.err()).contains("vm-fast");
  }

  @Test
  void versionHelpAndCompletion() {
    Cli.Result v = cli.in(tmp, "--version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("labrun ");
    Cli.Result h = cli.in(tmp, "--help");
    assertThat(h.out())
        .contains("computetarget")
        .contains("experiment")
        .contains("history")
        .contains("Exit codes");
    Cli.Result c = cli.in(tmp, "generate-completion");
    assertThat(c.code()).isZero();
    assertThat(c.out()).contains("complete -F");
    assertOneLineError(cli.in(tmp, "experiment", "submitt"), "Unmatched argument");
  }

  static void assertOneLineError(Cli.Result r, String expected) {
    assertThat(r.code()).as(r.toString()).isIn(2, 3);
    assertThat(r.err()).as(r.toString()).startsWith("labrun: ").contains(expected);
    assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
