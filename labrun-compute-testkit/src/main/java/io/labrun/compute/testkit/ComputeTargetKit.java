package io.labrun.compute.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.home.Folders;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.TargetTypes;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.project.Project;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunIds;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.snapshot.TempDirObjectStore;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.MetricsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every compute target must do, proved at its port: {@link ComputeTarget} and {@link
 * Execution} driven directly, no CLI, no history. A target module's tests extend this class and say
 * which target to make ({@link #spec()}) and what it needs from the machine; the kit makes the
 * target through the module's registered provider, as an assembly would. A new kind of target is
 * done when its module passes this kit (the CLI's {@code ComputeTargetContract} then checks the
 * whole path end to end).
 */
public abstract class ComputeTargetKit {
  @TempDir protected Path tmp;
  private final List<KitContext> contexts = new ArrayList<>();
  private TempDirObjectStore objects;
  private Snapshotter snapshots;
  private KitContext context;

  /** The target under test, as its {@code .compute} file would describe it. */
  protected abstract ComputeTargetSpec spec();

  /** labrun's environment for the target (where the engine, the host, Spark are). */
  protected Map<String, String> environment() {
    return System.getenv();
  }

  /** What the assembly offers beyond the context's methods (for example a host key answer). */
  protected Map<Class<?>, Object> offered() {
    return Map.of();
  }

  /** The run configuration of the kit's runs; a target that needs its environment built says so. */
  protected RunConfiguration configuration(RunConfiguration plain) {
    return plain;
  }

  /**
   * {@code plain} with {@code PrepareEnvironment: true}: for targets whose runs need an environment
   * built (an image).
   */
  protected static RunConfiguration preparing(RunConfiguration plain) {
    return new RunConfiguration(
        plain.name(),
        null,
        plain.arguments(),
        plain.target(),
        plain.environment(),
        plain.framework(),
        null,
        null,
        true,
        true,
        Map.of(),
        RunConfiguration.Form.YAML);
  }

  /** The run's {@code spark_dependencies.yml}: none unless a target needs some. */
  protected SparkDependencies sparkDependencies() {
    return SparkDependencies.empty();
  }

  /** Checks that nothing of a canceled run is left on the target once it was cleaned up. */
  protected void assertNothingLeft(KitRun run) throws Exception {}

  /**
   * Whether the script's stderr reaches the run's log as its own stream. Spark's PythonRunner
   * merges a Python driver's stderr into its stdout, in order: a cluster target says no.
   */
  protected boolean keepsStreamsApart() {
    return true;
  }

  /**
   * Checks how the target records a script that died by {@code signal} (SIGKILL from itself): by
   * default as the supervisor writes it, the signal and 128 plus it.
   */
  protected void assertDiedBySignal(ExitRecord exit, int signal) {
    assertThat(exit.signal()).as("%s", exit).isEqualTo(signal);
    assertThat(exit.exitCode()).isEqualTo(128 + signal);
  }

  /**
   * Checks how the target records a canceled script that ignored SIGTERM: by default it got the
   * TERM, and the supervisor's SIGKILL after the grace period ended it.
   */
  protected void assertKilledAfterTerm(KitRun run, ExitRecord exit) {
    assertThat(run.text(LogRecord.Stream.STDOUT))
        .as(run.describe())
        .contains("got TERM, carrying on");
    assertThat(exit.signal()).as("killed once TERM was ignored: %s", exit).isEqualTo(9);
  }

  /** How long a run may take to start and end (a first image build, a Spark submission). */
  protected Duration patience() {
    return Duration.ofMinutes(3);
  }

  @BeforeEach
  void assemble() throws Exception {
    objects = new TempDirObjectStore(tmp.resolve("objects"));
    snapshots = new Snapshotter(objects, tmp.resolve("cache"));
    Files.createDirectories(project().configDir());
    context = newContext();
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(KitContext::close);
  }

  /** A new assembly, as a new labrun process would make it. */
  private KitContext newContext() {
    KitContext c =
        new KitContext(tmp.resolve("labrun"), environment(), objects, snapshots, offered());
    contexts.add(c);
    return c;
  }

  /** The target of {@code c}, made by the provider its module registered. */
  private ComputeTarget target(KitContext c) {
    return TargetTypes.installed().targets(c).forSpec(spec());
  }

  protected Project project() {
    return new Project(tmp.resolve("kitproject"));
  }

  /** Writes {@code script} into the project and starts it on the target with {@code args}. */
  protected KitRun launch(String script, String source, String... args) throws Exception {
    Files.writeString(project().root().resolve(script), source);
    Snapshot snapshot = snapshots.take(project());
    ComputeTarget target = target(context);
    RunConfiguration rc =
        configuration(RunConfiguration.forTarget("kit", spec().name(), Framework.PYTHON));
    Instant now = Instant.now();
    String id = RunIds.next(project().name(), now);
    List<String> argv = new ArrayList<>(List.of(script));
    argv.addAll(List.of(args));
    Run run =
        new Run(
            id,
            project().name(),
            rc.name(),
            spec().name(),
            spec().type().configName(),
            script,
            List.of(args),
            Map.of(),
            "kit",
            "localhost",
            null,
            null,
            snapshot.id(),
            now,
            now,
            null,
            RunStatus.RUNNING,
            null,
            null,
            null,
            1,
            Map.of("project_root", project().root().toString()));
    Path state = Folders.createPrivate(context.paths().runState(id));
    Path work = state.resolve("work");
    if (target.needsLocalWorkDir()) {
      snapshots.materialize(snapshot, work);
    }
    RunPlan plan =
        new RunPlan(
            run,
            project(),
            rc,
            spec(),
            argv,
            Map.of("KIT_GREETING", "hello kit"),
            CondaDependencies.empty(),
            sparkDependencies(),
            state,
            work,
            null);
    target.prepare(plan, new RunEvents() {});
    return new KitRun(plan, target.launch(plan));
  }

  /** Follows {@code run} to its end and returns its exit record. */
  protected ExitRecord awaitEnd(KitRun run) {
    await("the end of " + run.id())
        .atMost(patience())
        .pollInterval(Duration.ofMillis(100))
        .until(run::follow);
    return run.exit();
  }

  /** Follows {@code run} until its output holds {@code text}. */
  protected void awaitOutput(KitRun run, String text) {
    await("'" + text + "' in the output of " + run.id())
        .atMost(patience())
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              boolean ended = run.follow();
              assertThat(ended)
                  .as("the run ended before writing '%s'\n%s", text, run.describe())
                  .isFalse();
              return run.text(LogRecord.Stream.STDOUT).contains(text);
            });
  }

  @Test
  void outputComesAsRecordsStreamsApartAndExitZeroCompletes() throws Exception {
    KitRun run =
        launch(
            "streams.py",
            """
            import os, sys
            print('out one')
            print('err one', file=sys.stderr)
            print('args', sys.argv[1:], os.environ.get('KIT_GREETING'))
            """,
            "a b",
            "--flag");
    ExitRecord exit = awaitEnd(run);
    assertThat(exit.status()).as(run.describe()).isEqualTo(RunStatus.COMPLETED);
    assertThat(exit.exitCode()).isZero();
    if (keepsStreamsApart()) {
      assertThat(run.text(LogRecord.Stream.STDOUT))
          .isEqualTo("out one\nargs ['a b', '--flag'] hello kit\n");
      assertThat(run.text(LogRecord.Stream.STDERR)).isEqualTo("err one\n");
    } else {
      assertThat(run.text(LogRecord.Stream.STDOUT))
          .contains("out one\nerr one\nargs ['a b', '--flag'] hello kit\n");
    }
  }

  @Test
  void aNonZeroExitIsRecordedWithItsCode() throws Exception {
    KitRun run = launch("boom.py", "import sys\nprint('bad data', file=sys.stderr)\nsys.exit(3)\n");
    ExitRecord exit = awaitEnd(run);
    assertThat(exit.exitCode()).as(run.describe()).isEqualTo(3);
    assertThat(exit.signal()).isNull();
    assertThat(exit.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.text(keepsStreamsApart() ? LogRecord.Stream.STDERR : LogRecord.Stream.STDOUT))
        .contains("bad data");
  }

  @Test
  void deathByASignalIsRecordedAsThatSignal() throws Exception {
    KitRun run =
        launch(
            "killed.py",
            "import os, signal\n"
                + "print('dying', flush=True)\n"
                + "os.kill(os.getpid(), signal.SIGKILL)\n");
    ExitRecord exit = awaitEnd(run);
    assertDiedBySignal(exit, 9);
    assertThat(exit.canceled()).as(run.describe()).isFalse();
    assertThat(exit.status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void cancelSendsTermThenKillAndTheRunEndsCanceled() throws Exception {
    KitRun run =
        launch(
            "stubborn.py",
            """
            import signal, sys, time
            def on_term(signum, frame):
                print('got TERM, carrying on', flush=True)
            signal.signal(signal.SIGTERM, on_term)
            print('started', flush=True)
            while True:
                time.sleep(1)
            """);
    awaitOutput(run, "started");
    run.execution().cancel();
    ExitRecord exit = awaitEnd(run);
    assertThat(exit.canceled()).as(run.describe()).isTrue();
    assertThat(exit.status()).isEqualTo(RunStatus.CANCELED);
    assertKilledAfterTerm(run, exit);
    run.execution()
        .collect(
            tmp.resolve(
                "scratch")); // as the run's finisher does: collect what is there, then free the
    // target
    run.execution().cleanUp();
    assertNothingLeft(run);
  }

  @Test
  void outputsAreCollected() throws Exception {
    KitRun run =
        launch(
            "save.py",
            """
            import os
            print('outputs before', os.path.isdir('outputs'))
            os.makedirs('outputs/sub', exist_ok=True)
            open('outputs/model.txt', 'w').write('the model')
            open('outputs/sub/weights.bin', 'wb').write(bytes(range(256)) * 4)
            """);
    assertThat(awaitEnd(run).status()).as(run.describe()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.text(LogRecord.Stream.STDOUT)).contains("outputs before True");
    Execution.Collected collected = run.execution().collect(tmp.resolve("scratch"));
    assertThat(collected.outputs().resolve("model.txt")).hasContent("the model");
    assertThat(Files.size(collected.outputs().resolve("sub/weights.bin"))).isEqualTo(1024);
  }

  @Test
  void metricsFromTheLoggingApiArePresentAfterCollect() throws Exception {
    KitRun run =
        launch(
            "metrics.py",
            """
            import labrun
            for step in range(3):
                labrun.log_metric('loss', 1.0 / (step + 1), step=step)
            labrun.log_param('solver', 'lbfgs')
            """);
    assertThat(awaitEnd(run).status()).as(run.describe()).isEqualTo(RunStatus.COMPLETED);
    Execution.Collected collected = run.execution().collect(tmp.resolve("scratch"));
    MetricsParser.Batch metrics = MetricsParser.read(collected.metrics());
    assertThat(metrics.points())
        .filteredOn(p -> p.name().equals("loss"))
        .extracting(MetricPoint::value)
        .containsExactly(1.0, 0.5, 1.0 / 3);
    assertThat(metrics.params()).containsEntry("solver", "lbfgs");
  }

  @Test
  void aNewTargetFindsTheRunFromItsAttributesAfterTheLauncherDied() throws Exception {
    KitRun first =
        launch(
            "long.py",
            """
            import sys, time
            print('before', flush=True)
            time.sleep(3)
            print('after', flush=True)
            sys.exit(5)
            """);
    awaitOutput(first, "before");
    context
        .close(); // what the launching labrun held is gone: its connections, its supervisor zygotes
    KitContext later = newContext();
    Execution found = target(later).reattach(first.recorded(), first.plan().stateDir());
    KitRun again = new KitRun(first.plan(), found);
    ExitRecord exit = awaitEnd(again);
    assertThat(exit.exitCode()).as(again.describe()).isEqualTo(5);
    assertThat(again.text(LogRecord.Stream.STDOUT)).isEqualTo("before\nafter\n");
  }
}
