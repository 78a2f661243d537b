package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The compute-target contract on the {@code remote} target: the test OpenSSH server's own Python.
 */
class RemoteTargetContractIT extends ComputeTargetContract {
  static final TestSshd SSHD = TestSshd.get();

  @Override
  protected Cli newCli(Path home) {
    return new Cli(home);
  }

  @Override
  protected String target(Path project) {
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "remote1",
            "--type",
            "remote",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key");
    assertThat(r.code()).as(r.toString()).isZero();
    return "remote1";
  }

  @Override
  protected void assertNothingLeft(String runId) {
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", runId);
    await("the canceled run's folder on the host is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
    assertThat(
            ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(runId)))
        .as("no process of the run is left on the host")
        .isEmpty();
  }
}
