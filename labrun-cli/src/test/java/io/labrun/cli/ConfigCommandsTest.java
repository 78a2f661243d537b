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
    for (String f : new String[] {"local.compute", "local.runconfig", "docker.compute", "docker.runconfig", "conda_dependencies.yml", "spark_dependencies.yml"}) {
      assertThat(project.resolve("aml_config").resolve(f)).isRegularFile();
    }
    Files.writeString(project.resolve("aml_config/local.compute"), "type: local\npythonLocation: python3 # mine\n");
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
  void attachWithPasswordStoresItEncryptedAndNeverShowsIt() throws Exception {
    Cli.Result r = cli.run(project, "hunter2-Secret\n", "computetarget", "attach", "--name", "vm", "--type", "remotedocker",
        "--address", "10.1.2.3:2222", "--username", "me", "--password-stdin", "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
    String compute = Files.readString(project.resolve("aml_config/vm.compute"));
    assertThat(compute).contains("enc:v1:").doesNotContain("hunter2").contains("port: 2222").contains("address: ");
    assertThat(project.resolve("aml_config/vm.runconfig")).isRegularFile();
    Path key = tmp.resolve("labrun/config/secret.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(key.startsWith(project)).isFalse();

    Cli.Result show = cli.in(project, "computetarget", "show", "vm");
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("remotedocker").contains("(encrypted)").doesNotContain("hunter2").doesNotContain("enc:v1");
    Cli.Result json = cli.in(project, "computetarget", "show", "vm", "-o", "json");
    assertThat(json.out()).doesNotContain("hunter2").doesNotContain("enc:v1");
    assertThat(cli.in(project, "computetarget", "list").out()).contains("password").doesNotContain("hunter2");
  }

  @Test
  void passwordOnTheCommandLineWorksButWarns() throws Exception {
    Cli.Result r = cli.in(project, "computetarget", "attach", "-n", "vm", "-t", "remote", "-a", "host", "-u", "me", "--password=pw123456", "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("shell history");
    assertThat(Files.readString(project.resolve("aml_config/vm.compute"))).doesNotContain("pw123456").contains("userManagedEnvironment: true");
  }

  @Test
  void generatedKeyStaysOutOfTheProjectAndItsPublicLineIsPrinted() throws Exception {
    Cli.Result r = cli.in(project, "computetarget", "attach", "-n", "gpu1", "-t", "remotedocker", "-a", "gpu.example", "-u", "me", "--generate-ssh-key", "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).containsPattern("ssh-ed25519 AAAA[A-Za-z0-9+/=]+ labrun:proj/gpu1");
    Path key = tmp.resolve("labrun/config/ssh/proj_gpu1_ed25519");
    assertThat(key).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(Files.readString(project.resolve("aml_config/gpu1.compute"))).contains("sshKeyFile: ").contains(key.toString());
    Cli.Result again = cli.in(project, "computetarget", "attach", "-n", "gpu1", "-t", "remotedocker", "-a", "gpu.example", "-u", "me", "--generate-ssh-key", "--no-connect");
    assertThat(again.code()).isEqualTo(2);
  }

  @Test
  void attachErrorsAreOneLineWithExitCodeTwo() {
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "x", "-t", "remotedocker", "-u", "me", "--password-stdin"), "--address is required");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "x", "-t", "dokker", "-a", "h", "-u", "me", "--ssh-key", "k"), "--type must be one of");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "x", "-t", "remote", "-a", "h:99999", "-u", "me", "--generate-ssh-key"), "between 1 and 65535");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "x", "-t", "remote", "-a", "h", "-u", "me"), "say how to log in");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "x", "-t", "remote", "-a", "h", "-u", "me", "--ssh-key", "missing"), "no readable file");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "../evil", "-t", "remote", "-a", "h", "-u", "me", "--generate-ssh-key"), "not allowed");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-n", "local", "-t", "local"), "exists already");
    assertOneLineError(cli.in(project, "computetarget", "attach", "-t", "local"), "Missing required option");
    assertOneLineError(cli.in(project, "computetarget", "show", "nope"), "no compute target 'nope'");
    assertOneLineError(cli.in(tmp, "computetarget", "list"), "no labrun project here");
  }

  @Test
  void runConfigurationCreateListShow() {
    Cli.Result r = cli.in(project, "runconfiguration", "create", "-n", "fast", "-t", "local", "-e", "LR=0.1", "-e", "API_TOKEN=abc", "--tracked", "false");
    assertThat(r.code()).as(r.toString()).isZero();
    Cli.Result show = cli.in(project, "runconfiguration", "show", "fast", "-o", "json");
    assertThat(show.out()).contains("\"LR\" : \"0.1\"").contains("\"API_TOKEN\" : \"***\"").contains("\"tracked_run\" : false");
    assertOneLineError(cli.in(project, "runconfiguration", "create", "-n", "x", "-t", "nowhere"), "no compute target 'nowhere'");
    assertOneLineError(cli.in(project, "runconfiguration", "create", "-n", "x", "-t", "local", "-f", "Scala"), "Python or PySpark");
  }

  @Test
  void queryFiltersJsonWithJmesPath() {
    Cli.Result r = cli.in(project, "runconfiguration", "list", "-o", "json", "--query", "[?target=='docker'].name");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out().replaceAll("\\s", "")).isEqualTo("[\"docker\"]");
    assertOneLineError(cli.in(project, "runconfiguration", "list", "--query", "[?"), "not a valid JMESPath");
  }

  @Test
  void malformedFileIsOneClearLine() throws Exception {
    Files.writeString(project.resolve("aml_config/gpu.compute"), "type: remotedocker\naddress: h\nnvidiaDocker: yes please\n");
    Cli.Result r = cli.in(project, "computetarget", "show", "gpu");
    assertOneLineError(r, "aml_config/gpu.compute:3:");
    assertThat(r.err()).contains("nvidiaDocker");
  }

  @Test
  void detachRemovesTheTargetAndItsRunConfiguration() {
    cli.in(project, "computetarget", "attach", "-n", "vm", "-t", "remote", "-a", "h", "-u", "me", "--generate-ssh-key", "--no-connect");
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
    assertThat(h.out()).contains("computetarget").contains("experiment").contains("history").contains("Exit codes");
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
