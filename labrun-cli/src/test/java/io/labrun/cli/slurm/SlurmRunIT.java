package io.labrun.cli.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.CliProcess;
import io.labrun.compute.slurm.TestSlurm;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.ssh.TestSshd;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a batch system does to a run, against the real Slurm of scripts/test-env/slurm.sh: a
 * job waiting in the queue, preemption by a job of a higher partition, and a run that ended while
 * no labrun watched it.
 */
class SlurmRunIT {
  static final TestSlurm SLURM = TestSlurm.get();
  static final TestSshd SSHD = TestSshd.get();
  @TempDir Path tmp;
  Cli cli;
  Path project;

  @BeforeEach
  void project() {
    cli = new Cli(tmp);
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
  }

  /**
   * A slurm target {@code name} whose file has {@code keys} beyond its type, and its run
   * configuration.
   */
  private void target(String name, String keys) throws Exception {
    Cli.Result r = cli.in(project, "computetarget", "attach", "--name", name, "--type", "slurm");
    assertThat(r.code()).as(r.toString()).isZero();
    Files.writeString(project.resolve("aml_config/" + name + ".compute"), "type: slurm\n" + keys);
  }

  @Test
  void aPreemptedRunIsLostAndTriedAgainAsANewJob() throws Exception {
    // the whole node for the run, in the partition any job of the default one preempts
    target(
        "scavenger",
        "partition: " + SLURM.preemptiblePartition + "\ncpusPerTask: " + SLURM.cpus + "\n");
    Files.writeString(
        project.resolve("long.py"),
        """
        import os, time
        print("job", os.environ["SLURM_JOB_ID"], flush=True)
        if not os.path.exists("../../preempted-once"):
            open("../../preempted-once", "w").close()
            time.sleep(300)
        print("finished")
        """
            .replace("../../preempted-once", tmp.resolve("preempted-once").toString()));
    Cli.Running running =
        cli.start(
            project, "", "experiment", "submit", "-c", "scavenger", "--retries", "1", "long.py");
    await("the first attempt runs")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(tmp.resolve("preempted-once")));
    SLURM.sbatch(
        "--partition=" + SLURM.partition,
        "--cpus-per-task=" + SLURM.cpus,
        "--output=/dev/null",
        "--wrap=sleep 1");
    Cli.Result r = running.await(Duration.ofSeconds(120));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("finished");
    List<Run> runs = runs();
    assertThat(runs).extracting(Run::status).containsExactly(RunStatus.LOST, RunStatus.COMPLETED);
    assertThat(runs.get(0).statusDetail()).startsWith("lost: Slurm preempted job ");
    assertThat(runs.get(0).attributes()).containsEntry("slurm_state", "PREEMPTED");
    assertThat(runs.get(1).attributes()).containsEntry("retry_of", runs.get(0).id());
    assertThat(runs.get(1).attributes().get("slurm_job_id"))
        .as("a new job")
        .isNotEqualTo(runs.get(0).attributes().get("slurm_job_id"));
  }

  @Test
  void aQueuedJobSaysWhyItWaitsAndCancelTakesItOffTheQueue() throws Exception {
    target("later", "partition: " + SLURM.partition + "\nsbatchOptions:\n  - --begin=now+1hour\n");
    Files.writeString(project.resolve("never.py"), "print('never runs')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "later", "--detach", "never.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    assertThat(SLURM.jobsOf(id)).hasSize(1);
    Run queued = run(id);
    assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(queued.statusDetail()).isEqualTo("waiting in the target's queue: BeginTime");
    String job = queued.attributes().get("slurm_job_id");
    Cli.Result c = cli.in(project, "experiment", "cancel", "-r", id);
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(c.out()).contains("Canceled");
    assertThat(run(id).status()).isEqualTo(RunStatus.CANCELED);
    assertThat(SLURM.jobsOf(id)).isEmpty();
    assertThat(SLURM.state(job)).contains("CANCELLED");
  }

  @Test
  void aPendingJobIsQueuedWithSlurmsReasonAndRunningOnlyOnceSlurmStartsIt() throws Exception {
    target("held", "partition: " + SLURM.partition + "\nsbatchOptions:\n  - --hold\n");
    Files.writeString(project.resolve("hello.py"), "print('started', flush=True)\n");
    Cli.Running running = cli.start(project, "", "experiment", "submit", "-c", "held", "hello.py");
    await("the run's job is submitted, held")
        .atMost(Duration.ofSeconds(60))
        .until(() -> runs().size() == 1 && runs().get(0).attributes().containsKey("slurm_job_id"));
    Run held = runs().get(0);
    assertThat(held.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(held.started()).isNull();
    assertThat(held.statusDetail()).isEqualTo("waiting in the target's queue: JobHeldUser");
    Cli.Result status = cli.in(project, "experiment", "status", "-r", held.id());
    assertThat(status.out()).as(status.toString()).contains("Queued").contains("JobHeldUser");
    Cli.Result info = cli.in(project, "history", "info", "-r", held.id());
    assertThat(info.out()).as(info.toString()).contains("JobHeldUser");
    assertThat(run(held.id()).status()).as("still held").isEqualTo(RunStatus.QUEUED);

    Instant released = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    SLURM.release(held.attributes().get("slurm_job_id"));
    Cli.Result r = running.await(Duration.ofSeconds(120));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("started");
    assertThat(r.err())
        .contains("RunId: " + held.id())
        .contains("run " + held.id() + " waiting in the target's queue: JobHeldUser");
    Run done = run(held.id());
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.started()).as("started when Slurm started it").isAfterOrEqualTo(released);
  }

  @Test
  void aDetachedPendingRunBecomesRunningWhenAnyLabrunCommandSeesItsJobStarted() throws Exception {
    target("held", "partition: " + SLURM.partition + "\nsbatchOptions:\n  - --hold\n");
    Path go = tmp.resolve("go");
    Files.writeString(
        project.resolve("wait.py"),
        """
        import os, time
        print("started", flush=True)
        while not os.path.exists("%s"):
            time.sleep(0.1)
        print("went on")
        """
            .formatted(go));
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "held", "--detach", "wait.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    Run held = run(id);
    assertThat(held.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(cli.in(project, "experiment", "status", "-r", id).out()).contains("JobHeldUser");

    SLURM.release(held.attributes().get("slurm_job_id"));
    await("the released job is seen running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> cli.in(project, "experiment", "status", "-r", id).out().contains("Running"));
    Run running = run(id);
    assertThat(running.started()).isNotNull();
    assertThat(running.statusDetail()).isNull();
    Files.writeString(go, "");
    Cli.Result f = cli.in(project, "experiment", "logs", "-r", id, "--follow");
    assertThat(f.code()).as(f.toString()).isZero();
    assertThat(f.out()).contains("started").contains("went on");
    assertThat(run(id).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aSweepsPendingJobsAreQueuedRunsAndCancelingTheSweepTakesThemOffTheQueue() throws Exception {
    target("held", "partition: " + SLURM.partition + "\nsbatchOptions:\n  - --hold\n");
    Files.writeString(project.resolve("point.py"), "print('never runs')\n");
    Cli.Running sweep = heldSweep("point.py");
    List<Run> waiting = runs().stream().filter(Run::queuedAtTarget).toList();
    assertThat(waiting)
        .allSatisfy(
            w ->
                assertThat(w.statusDetail())
                    .isEqualTo("waiting in the target's queue: JobHeldUser"));
    Cli.Result c = cli.in(project, "experiment", "cancel", "--sweep", waiting.get(0).sweepId());
    assertThat(c.code()).as(c.toString()).isZero();
    sweep.await(Duration.ofSeconds(120));
    assertThat(runs()).hasSize(3).extracting(Run::status).containsOnly(RunStatus.CANCELED);
    assertThat(SLURM.jobsNamed("labrun-" + waiting.get(0).sweepId()))
        .as("the array is off Slurm's queue")
        .isEmpty();
    for (Run w : waiting) {
      assertThat(SLURM.state(w.attributes().get("slurm_job_id"))).contains("CANCELLED");
    }
  }

  @Test
  void stopWhenCancelsThePointsStillWaitingInSlurmsQueue() throws Exception {
    target("held", "partition: " + SLURM.partition + "\nsbatchOptions:\n  - --hold\n");
    Files.writeString(
        project.resolve("score.py"), "import labrun\nlabrun.log_metric('accuracy', 1.0)\n");
    Cli.Running sweep = heldSweep("score.py", "--stop-when", "accuracy >= 0.99");
    List<Run> waiting = runs().stream().filter(Run::queuedAtTarget).toList();
    SLURM.release(waiting.get(0).attributes().get("slurm_job_id"));
    Cli.Result r = sweep.await(Duration.ofSeconds(120));
    assertThat(r.code()).as("every run Completed or not started: " + r).isZero();
    List<Run> runs = runs();
    assertThat(runs)
        .extracting(Run::status)
        .containsExactly(RunStatus.COMPLETED, RunStatus.CANCELED, RunStatus.CANCELED);
    String reason = "not started: 'accuracy >= 0.99' met by run " + runs.get(0).id();
    assertThat(runs.get(1).statusDetail()).as("its element still held").isEqualTo(reason);
    assertThat(runs.get(2).statusDetail()).as("its element still held").isEqualTo(reason);
    assertThat(SLURM.jobsNamed("labrun-" + runs.get(0).sweepId()))
        .as("the rest of the array is off Slurm's queue")
        .isEmpty();
    assertThat(SLURM.state(waiting.get(2).attributes().get("slurm_job_id"))).contains("CANCELLED");
  }

  @Test
  void aSweepIsOneJobArrayWhoseElementsAreItsRunsAndAFailingElementFailsOnlyItsRun()
      throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\n");
    Files.writeString(
        project.resolve("point.py"),
        """
        import os, sys, labrun
        i = int(sys.argv[-1])
        print("point", i, "is task", os.environ["SLURM_ARRAY_TASK_ID"], "of", os.environ["SLURM_ARRAY_JOB_ID"], "in", os.path.basename(os.path.dirname(os.getcwd())), flush=True)
        labrun.log_metric("score", i * 10)
        open("outputs/point.txt", "w").write(str(i))
        sys.exit(3 if i == 3 else 0)
        """);
    Cli.Result r =
        cli.in(
            project,
            "experiment",
            "sweep",
            "-c",
            "hpc",
            "point.py",
            "--grid",
            "i=1..4",
            "--parallel",
            "2");
    assertThat(r.code()).as("one point failed: " + r).isEqualTo(1);
    List<Run> runs = runs();
    assertThat(runs)
        .extracting(Run::status)
        .containsExactly(
            RunStatus.COMPLETED, RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.COMPLETED);
    assertThat(runs.get(2).statusDetail()).contains("exit code 3");
    String array = runs.get(0).attributes().get("slurm_job_id").split("_")[0];
    String job = SLURM.show(array);
    assertThat(job.lines())
        .as("one job array of 4 elements, at most 2 at once, named after the sweep")
        .hasSize(4)
        .allSatisfy(
            l ->
                assertThat(l)
                    .contains("ArrayJobId=" + array + " ")
                    .contains("ArrayTaskThrottle=2 ")
                    .contains("JobName=labrun-" + runs.get(0).sweepId() + " "));
    for (int i = 0; i < 4; i++) {
      Run run = runs.get(i);
      int point = i + 1;
      assertThat(run.attributes()).containsEntry("slurm_job_id", array + "_" + i);
      Cli.Result logs = cli.in(project, "experiment", "logs", "-r", run.id());
      assertThat(logs.out())
          .as("its own task ran its own point in its own folder")
          .contains("point " + point + " is task " + i + " of " + array + " in " + run.id());
      try (RunStore store = store()) {
        assertThat(store.metric(run.id(), "score"))
            .singleElement()
            .satisfies(m -> assertThat(m.value()).isEqualTo(point * 10.0));
      }
      Path dl = tmp.resolve("dl-" + i);
      assertThat(cli.in(project, "history", "download", "-r", run.id(), "-d", dl.toString()).code())
          .isZero();
      assertThat(dl.resolve("outputs/point.txt")).hasContent(Integer.toString(point));
    }
  }

  @Test
  void overSshASweepIsOneJobArraySubmittedOnTheLoginNode() throws Exception {
    Cli.Result a =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "login",
            "--type",
            "slurm",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key");
    assertThat(a.code()).as(a.toString()).isZero();
    Files.writeString(
        project.resolve("aml_config/login.compute"),
        "partition: " + SLURM.partition + "\n",
        StandardOpenOption.APPEND);
    Files.writeString(
        project.resolve("point.py"),
        """
        import os, sys
        print("point", sys.argv[-1], "by", os.environ["USER"], "task", os.environ["SLURM_ARRAY_TASK_ID"], flush=True)
        open("outputs/point.txt", "w").write(sys.argv[-1])
        """);
    Cli.Result r =
        cli.in(
            project,
            "experiment",
            "sweep",
            "-c",
            "login",
            "point.py",
            "--grid",
            "i=1..3",
            "--parallel",
            "2");
    assertThat(r.code()).as(r.toString()).isZero();
    List<Run> runs = runs();
    assertThat(runs).extracting(Run::status).containsOnly(RunStatus.COMPLETED).hasSize(3);
    String array = runs.get(0).attributes().get("slurm_job_id").split("_")[0];
    assertThat(SLURM.show(array))
        .as("submitted by the login node's user")
        .contains("UserId=" + SSHD.keyUser + "(");
    for (int i = 0; i < 3; i++) {
      Run run = runs.get(i);
      assertThat(run.attributes()).containsEntry("slurm_job_id", array + "_" + i);
      assertThat(cli.in(project, "experiment", "logs", "-r", run.id()).out())
          .contains("point " + (i + 1) + " by " + SSHD.keyUser + " task " + i);
      Path dl = tmp.resolve("dl-" + i);
      assertThat(cli.in(project, "history", "download", "-r", run.id(), "-d", dl.toString()).code())
          .isZero();
      assertThat(dl.resolve("outputs/point.txt")).hasContent(Integer.toString(i + 1));
    }
  }

  @Test
  void aSweepWhoseLabrunDiedIsFoundElementByElementAndDrivenOn() throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\n");
    Path ran = Files.createDirectories(tmp.resolve("ran"));
    Files.writeString(
        project.resolve("slow.py"),
        """
        import os, sys, time
        open(os.path.join("%s", sys.argv[-1] + "-" + os.environ["LABRUN_RUN_ID"]), "w").close()
        time.sleep(2)
        open("outputs/done.txt", "w").write(sys.argv[-1])
        """
            .formatted(ran));
    Path log = tmp.resolve("sweep.log");
    Process labrun =
        CliProcess.start(
            project,
            cli.environment(),
            log,
            "experiment",
            "sweep",
            "-c",
            "hpc",
            "slow.py",
            "--grid",
            "i=1..4",
            "--parallel",
            "2");
    await("the array's first elements run")
        .atMost(Duration.ofSeconds(60))
        .until(() -> listed(ran) >= 1);
    labrun.destroyForcibly().waitFor();
    String sweep = runs().get(0).sweepId();
    assertThat(runs())
        .as("every point launched with the array before labrun died")
        .allSatisfy(run -> assertThat(run.attributes()).containsKey("slurm_job_id"))
        .anySatisfy(run -> assertThat(run.status().isFinal()).isFalse());

    Cli.Result resumed = cli.in(project, "experiment", "sweep", "--resume", sweep);
    assertThat(resumed.code()).as(resumed.toString()).isZero();
    List<Run> runs = runs();
    assertThat(runs).extracting(Run::status).containsOnly(RunStatus.COMPLETED).hasSize(4);
    String array = runs.get(0).attributes().get("slurm_job_id").split("_")[0];
    for (int i = 0; i < 4; i++) {
      assertThat(runs.get(i).attributes())
          .as("followed as the element it was, not submitted again")
          .containsEntry("slurm_job_id", array + "_" + i);
      Path dl = tmp.resolve("dl-" + i);
      assertThat(
              cli.in(project, "history", "download", "-r", runs.get(i).id(), "-d", dl.toString())
                  .code())
          .isZero();
      assertThat(dl.resolve("outputs/done.txt")).hasContent(Integer.toString(i + 1));
    }
    try (Stream<Path> files = Files.list(ran)) {
      assertThat(files.map(f -> f.getFileName().toString().split("-")[0]).sorted())
          .as("each point ran once")
          .containsExactly("1", "2", "3", "4");
    }
  }

  private static long listed(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.count();
    }
  }

  /**
   * A 3-point sweep of {@code script} on target {@code held} at most 2 at once, once its job array
   * (every point an element) waits, held, in Slurm's queue.
   */
  private Cli.Running heldSweep(String script, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "experiment",
                "sweep",
                "-c",
                "held",
                script,
                "--grid",
                "i=1..3",
                "--parallel",
                "2"));
    args.addAll(List.of(more));
    Cli.Running sweep = cli.start(project, "", args.toArray(String[]::new));
    await("the sweep's job array is submitted, held")
        .atMost(Duration.ofSeconds(60))
        .until(() -> runs().stream().filter(Run::queuedAtTarget).count() == 3);
    return sweep;
  }

  @Test
  void slurmRefusesToRequeueARunsJobAndTheRunGoesOnAsItWas() throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\n");
    Path go = tmp.resolve("go");
    Files.writeString(
        project.resolve("wait.py"),
        """
        import os, time
        print("started", os.environ["SLURM_RESTART_COUNT"] if "SLURM_RESTART_COUNT" in os.environ else 0, flush=True)
        while not os.path.exists("%s"):
            time.sleep(0.1)
        print("went on")
        """
            .formatted(go));
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hpc", "--detach", "wait.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    String job = run(id).attributes().get("slurm_job_id");
    await("the job runs")
        .atMost(Duration.ofSeconds(60))
        .until(() -> SLURM.state(job).orElse("").equals("RUNNING"));
    assertThat(SLURM.requeue(job))
        .as("labrun submits --no-requeue: not even an administrator requeues it")
        .hasValueSatisfying(why -> assertThat(why).contains("disabled"));
    assertThat(SLURM.state(job)).contains("RUNNING");
    Files.writeString(go, "");
    Cli.Result f = cli.in(project, "experiment", "logs", "-r", id, "--follow");
    assertThat(f.code()).as(f.toString()).isZero();
    assertThat(f.out()).contains("started 0").contains("went on");
    assertThat(runs()).extracting(Run::status).containsExactly(RunStatus.COMPLETED);
  }

  @Test
  void aRunThatEndedWhileNoLabrunWatchedIsFoundByItsJobAndRecorded() throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\n");
    Files.writeString(
        project.resolve("work.py"),
        """
        import os, time, labrun
        time.sleep(2)
        labrun.log_metric("loss", 0.25)
        open("outputs/model.txt", "w").write("weights")
        print("done")
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hpc", "--detach", "work.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await("the job ends with nobody watching")
        .atMost(Duration.ofSeconds(60))
        .until(() -> SLURM.jobsOf(id).isEmpty());
    assertThat(run(id).status())
        .as(
            "nothing recorded its end yet (Queued when Slurm had not started the job as it was"
                + " submitted)")
        .isIn(RunStatus.QUEUED, RunStatus.RUNNING);
    Cli.Result s = cli.in(project, "experiment", "status", "-r", id);
    assertThat(s.out()).as(s.toString()).contains("Completed");
    try (RunStore store = store()) {
      assertThat(store.metric(id, "loss")).hasSize(1);
    }
    Cli.Result logs = cli.in(project, "experiment", "logs", "-r", id);
    assertThat(logs.out()).contains("done");
    Path dl = tmp.resolve("dl");
    assertThat(cli.in(project, "history", "download", "-r", id, "-d", dl.toString()).code())
        .isZero();
    assertThat(dl.resolve("outputs/model.txt")).hasContent("weights");
  }

  @Test
  void aTimeoutIsTheJobsTimeLimitTooAndSlurmsOwnLimitEndsTheRunAsATimeout() throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\n");
    Files.writeString(
        project.resolve("forever.py"),
        "import time\nprint('going', flush=True)\ntime.sleep(600)\n");
    Cli.Result r =
        cli.in(
            project,
            "experiment",
            "submit",
            "-c",
            "hpc",
            "--detach",
            "--timeout",
            "90s",
            "forever.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String job = run(r.out().strip()).attributes().get("slurm_job_id");
    assertThat(SLURM.timeLimit(job))
        .as("90 s and a minute of grace, in whole minutes")
        .isEqualTo("00:03:00");
    assertThat(cli.in(project, "experiment", "cancel", "-r", r.out().strip()).code()).isZero();

    // Slurm's own limit (1 minute), with no labrun timeout: the job is ended from outside
    target("short", "partition: " + SLURM.partition + "\ntime: 1\n");
    Cli.Result s = cli.in(project, "experiment", "submit", "-c", "short", "forever.py");
    assertThat(s.code()).as(s.toString()).isEqualTo(1);
    assertThat(s.err()).contains("timeout");
    Run ended = run(lastRunId());
    assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
    assertThat(ended.statusDetail()).isEqualTo("timeout");
    assertThat(ended.attributes()).containsEntry("slurm_state", "TIMEOUT");
  }

  @Test
  void prepareEnvironmentRunsTheScriptInAVenvBuiltOnceOnTheSharedFileSystem() throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\n");
    environmentRuns("hpc", tmp.resolve("labrun/data/envs/venvs").toString());
  }

  @Test
  void overSshTheVenvIsBuiltOnceInTheLoginNodesHome() throws Exception {
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "login",
            "--type",
            "slurm",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key");
    assertThat(r.code()).as(r.toString()).isZero();
    Files.writeString(
        project.resolve("aml_config/login.compute"),
        "partition: " + SLURM.partition + "\n",
        StandardOpenOption.APPEND);
    environmentRuns("login", "/home/" + SSHD.keyUser + "/.labrun/envs/");
  }

  /**
   * Two runs with PrepareEnvironment: true on target {@code name}: the first builds the venv under
   * {@code envs}, the second reuses it.
   */
  private void environmentRuns(String name, String envs) throws Exception {
    Files.writeString(
        project.resolve("aml_config/" + name + ".runconfig"),
        """
        ArgumentVector: ["$file"]
        Target: %s
        CondaDependenciesFile: aml_config/conda_dependencies.yml
        PrepareEnvironment: true
        EnvironmentVariables:
          PIP_NO_INDEX: "1"
          PIP_FIND_LINKS: "%s"
        """
            .formatted(
                name,
                tmp)); // pip options are part of the environment's id: this test's own, whatever
    // earlier runs left on the login node
    Files.writeString(
        project.resolve("aml_config/conda_dependencies.yml"),
        "name: project_environment\ndependencies: []\n");
    Files.writeString(project.resolve("which.py"), "import sys\nprint('prefix', sys.prefix)\n");
    Cli.Result first = cli.in(project, "experiment", "submit", "-c", name, "which.py");
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("prefix " + envs);
    assertThat(first.err()).contains("built in");
    Cli.Result second = cli.in(project, "experiment", "submit", "-c", name, "which.py");
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(second.err()).doesNotContain("built in");
  }

  @Test
  void overSshWorkFolderHoldsTheRunsFolderAndIsEmptiedOnceTheRunIsCollected() throws Exception {
    Cli.Result a =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "login",
            "--type",
            "slurm",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key");
    assertThat(a.code()).as(a.toString()).isZero();
    String scratch = "scratch-" + tmp.getFileName();
    Files.writeString(
        project.resolve("aml_config/login.compute"),
        "partition: " + SLURM.partition + "\nworkFolder: ~/" + scratch + "\n",
        StandardOpenOption.APPEND);
    Files.writeString(
        project.resolve("where.py"),
        "import os, time\n"
            + "print('cwd', os.getcwd(), flush=True)\n"
            + "time.sleep(3)\n"
            + "open('outputs/m.txt', 'w').write('m')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "login", "--detach", "where.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    Path home = Path.of("/home", SSHD.keyUser);
    assertThat(home.resolve(".labrun/runs").resolve(id)).isSymbolicLink();
    assertThat(home.resolve(scratch).resolve(id).resolve("work/where.py")).exists();
    Cli.Result f = cli.in(project, "experiment", "logs", "-r", id, "--follow");
    assertThat(f.code()).as(f.toString()).isZero();
    assertThat(f.out()).contains("cwd " + home.resolve(scratch).resolve(id).resolve("work"));
    assertThat(run(id).status()).isEqualTo(RunStatus.COMPLETED);
    Path dl = tmp.resolve("dl");
    assertThat(cli.in(project, "history", "download", "-r", id, "-d", dl.toString()).code())
        .isZero();
    assertThat(dl.resolve("outputs/m.txt")).hasContent("m");
    await("the run's folders on the login node are removed")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !Files.exists(home.resolve(scratch).resolve(id))
                    && !Files.exists(
                        home.resolve(".labrun/runs").resolve(id), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void workFolderWithoutAnAddressIsRefusedInOneLine() throws Exception {
    target("hpc", "partition: " + SLURM.partition + "\nworkFolder: /scratch\n");
    Files.writeString(project.resolve("hello.py"), "print('never runs')\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "hpc", "hello.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().strip())
        .startsWith(
            "labrun: workFolder in aml_config/hpc.compute is for a slurm target with an address")
        .doesNotContain("\n");
    assertThat(cli.in(project, "history", "list", "-o", "json").out().replaceAll("\\s", ""))
        .as("no run recorded")
        .isEqualTo("[]");
  }

  private String lastRunId() {
    return cli.in(project, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
        .out()
        .strip()
        .replace("\"", "");
  }

  private List<Run> runs() {
    try (RunStore store = store()) {
      return store.list(RunQuery.all()).stream()
          .sorted(Comparator.comparing(Run::created))
          .toList();
    }
  }

  private Run run(String id) {
    try (RunStore store = store()) {
      return store.find(id).orElseThrow();
    }
  }

  private RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }
}
