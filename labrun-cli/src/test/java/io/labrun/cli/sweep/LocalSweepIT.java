package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import org.junit.jupiter.api.Test;

/** The sweep contract on the {@code local} target, and how the local target starts supervisors. */
class LocalSweepIT extends SweepContract {
  @Override
  String runConfiguration() {
    return "local";
  }

  /**
   * The script looks at its parent, the supervisor: forked by the zygote, or a process of its own.
   */
  static final String PARENT =
      """
      import os
      with open("/proc/%d/cmdline" % os.getppid(), "rb") as f:
          print("supervisor:", f.read().replace(b"\\0", b" ").decode())
      """;

  @Test
  void supervisorsAreForkedByTheZygoteUnlessItIsTurnedOff() {
    t.script("parent.py", PARENT);
    Cli.Result forked = t.sweep("parent.py", "--grid", "x=1,2", "--parallel", "2");
    assertThat(forked.code()).as(forked.toString()).isZero();
    t.runs(TargetFixture.sweepId(forked.err()))
        .forEach(
            run ->
                assertThat(t.cli.in(t.project, "experiment", "logs", "-r", run.id()).out())
                    .contains("labrun_zygote.py"));

    t.cli.env("LABRUN_SUPERVISOR_ZYGOTE", "0");
    Cli.Result direct = t.sweep("parent.py", "--grid", "x=1,2", "--parallel", "2");
    assertThat(direct.code()).as(direct.toString()).isZero();
    t.runs(TargetFixture.sweepId(direct.err()))
        .forEach(
            run ->
                assertThat(t.cli.in(t.project, "experiment", "logs", "-r", run.id()).out())
                    .doesNotContain("labrun_zygote.py")
                    .contains("labrun_supervisor.py /"));
  }
}
