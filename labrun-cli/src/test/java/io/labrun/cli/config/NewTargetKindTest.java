package io.labrun.cli.config;

import static io.labrun.cli.config.TestbedTargetProvider.TESTBED;
import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.app.Assembly;
import io.labrun.app.Settings;
import io.labrun.cli.Cli;
import io.labrun.cli.Main;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.secret.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kind of target is one module: {@code computetarget attach}, {@code runconfiguration show},
 * {@code experiment clean} and a server's login check do for a kind declared only in these tests
 * ({@link TestbedTargetProvider}) what its provider says, with no edit of the commands; and for the
 * newest real module, Slurm, what it says.
 */
class NewTargetKindTest {
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
  void attachAsksWhatTheKindNeedsAndWritesWhatItSays() throws Exception {
    Cli.Result noHost = cli.in(project, "computetarget", "attach", "-n", "tb", "-t", "testbed");
    assertThat(noHost.code()).isEqualTo(2);
    assertThat(noHost.err())
        .isEqualTo(
            "labrun: --address is required for a testbed target (the host to reach over SSH)\n");

    attachTestbed();
    assertThat(Files.readString(project.resolve("aml_config/tb.compute")))
        .contains("type: testbed")
        .contains("address: tb1.lab")
        .contains("userManagedEnvironment: true");
    assertThat(project.resolve("aml_config/tb.runconfig")).isRegularFile();
  }

  @Test
  void runconfigurationShowSaysHowTheKindGetsItsEnvironment() throws Exception {
    attachTestbed();
    Cli.Result show = cli.in(project, "runconfiguration", "show", "tb");
    assertThat(show.code()).as(show.toString()).isZero();
    assertThat(show.out())
        .contains("runs_on=testbed")
        .contains(
            "environment=prepared by labrun from aml_config/conda_dependencies.yml as part of the"
                + " run");
  }

  @Test
  void experimentCleanAsksTheKindsCleaner() throws Exception {
    attachTestbed();
    Cli.Result clean = cli.in(project, "experiment", "clean", "--no-docker");
    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(clean.out()).contains("removed testbed scratch on tb1.lab\n");
  }

  @Test
  void aServerAsksTheKindWhetherItCanLogIn() {
    String sealedElsewhere = new SecretBox(tmp.resolve("laptop.key")).encrypt("pw".toCharArray());
    Settings settings =
        new Settings(
            new LabrunPaths(tmp.resolve("data"), tmp.resolve("config")),
            Map.of(),
            tmp,
            ProcessHandle.current().pid(),
            Main.class,
            null,
            null,
            null);
    try (Assembly assembly = new Assembly(settings)) {
      assembly.useServerPasswords();
      ComputeTargetSpec testbed =
          ComputeTargetSpec.of("tb", TESTBED)
              .withConnection("tb1.lab", 22, "me")
              .withPassword(sealedElsewhere);
      assertThat(assembly.cannotLogIn(testbed))
          .contains("logs in to me@tb1.lab:22 with a password this server does not have");
      assertThat(assembly.cannotLogIn(testbed.withType(TargetType.REMOTE)))
          .as("the remote module's answer")
          .contains("with a password this server does not have");
      assertThat(assembly.cannotLogIn(testbed.withType(TargetType.LOCAL)))
          .as("a kind that logs in nowhere")
          .isNull();
    }
  }

  @Test
  void aSlurmTargetIsShownAndCleanedAsItsModuleSays() throws Exception {
    Cli.Result attach = cli.in(project, "computetarget", "attach", "-n", "here", "-t", "slurm");
    assertThat(attach.code()).as(attach.toString()).isZero();
    Path rc = project.resolve("aml_config/here.runconfig");

    Cli.Result asIs = cli.in(project, "runconfiguration", "show", "here");
    assertThat(asIs.code()).as(asIs.toString()).isZero();
    assertThat(asIs.out())
        .contains("runs_on=slurm")
        .contains("environment=used as it is, nothing installed")
        .doesNotContain("note");

    Files.writeString(
        rc, Files.readString(rc).replace("PrepareEnvironment: false", "PrepareEnvironment: true"));
    Cli.Result prepared = cli.in(project, "runconfiguration", "show", "here");
    assertThat(prepared.out())
        .contains(
            "environment=prepared by labrun from aml_config/conda_dependencies.yml as part of the"
                + " run");

    Cli.Result clean = cli.in(project, "experiment", "clean", "--no-docker");
    assertThat(clean.code()).as(clean.toString()).isZero();
    assertThat(clean.err()).isEmpty();
    assertThat(clean.out()).contains("Freed ");
  }

  private void attachTestbed() throws Exception {
    Path key = Files.writeString(tmp.resolve("id_test"), "not read: --no-connect\n");
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "testbed",
            "-n",
            "tb",
            "-a",
            "tb1.lab",
            "-u",
            "me",
            "--ssh-key",
            key.toString(),
            "--no-connect");
    assertThat(r.code()).as(r.toString()).isZero();
  }
}
