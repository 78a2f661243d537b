package io.labrun.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.DockerTestEngine;
import io.labrun.core.home.Folders;
import io.labrun.core.secret.SecretBox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real bin/labrun handing commands to the resident labrun process, against the same commands
 * run with {@code LABRUN_DAEMON=0}: same output and exit codes, each command with its own
 * environment, folder and stdin, Ctrl-C detaching, a daemon killed under a command, a rebuilt
 * labrun getting a daemon of its own. Each test class run has its own socket folder ({@code
 * XDG_RUNTIME_DIR}) and stops its daemons at the end.
 */
class DaemonIT {
  private static final Path LABRUN = Path.of("..", "bin", "labrun").toAbsolutePath().normalize();
  private static final Pattern PID = Pattern.compile("pid (\\d+)");
  @TempDir static Path shared;
  static Path runtimeDir;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void folders() throws IOException {
    assertThat(LABRUN).isExecutable();
    assertThat(LABRUN.resolveSibling("../labrun-cli/target/labrun.jar").normalize())
        .as("the jar, built by `package`")
        .exists();
    runtimeDir = Files.createDirectories(shared.resolve("run"));
  }

  @AfterAll
  static void stopDaemons() throws Exception {
    try (Stream<Path> dirs = Files.list(shared)) {
      for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("run")).toList()) {
        Map<String, String> env = baseEnv(d);
        labrun(shared, env, null, "daemon", "stop");
      }
    }
  }

  static Map<String, String> baseEnv(Path runtime) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("LABRUN_DAEMON");
    env.remove("LABRUN_TRACE");
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    env.put("LABRUN_DAEMON_IDLE_TIMEOUT", "10m"); // never lingers long after the tests
    return env;
  }

  static Map<String, String> env(Path home) {
    Map<String, String> env = baseEnv(runtimeDir);
    env.put("LABRUN_HOME", home.toString());
    return env;
  }

  static Result labrun(Path cwd, Map<String, String> env, String stdin, String... args)
      throws Exception {
    Process p = start(cwd, env, stdin, args);
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    int code = p.waitFor();
    return new Result(code, out.get(), err.get());
  }

  static Process start(Path cwd, Map<String, String> env, String stdin, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(LABRUN.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    return p;
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> direct(Map<String, String> env) {
    Map<String, String> d = new HashMap<>(env);
    d.put("LABRUN_DAEMON", "0");
    return d;
  }

  static Path project(Path home, Path parent, String name) throws Exception {
    Result init = labrun(parent, env(home), null, "project", "init", name);
    assertThat(init.code()).as(init.toString()).isZero();
    Path p = parent.resolve(name);
    Files.writeString(
        p.resolve("hello.py"),
        "import sys\nprint('hello', sys.argv[1:])\nprint('to stderr', file=sys.stderr)\n");
    Files.writeString(p.resolve("fail.py"), "import sys\nprint('failing')\nsys.exit(3)\n");
    Files.writeString(
        p.resolve("env.py"),
        "import os\n"
            + "print('MINE=%s THEIRS=%s' % (os.environ.get('MINE'),"
            + " os.environ.get('DAEMON_ONLY')))\n");
    return p;
  }

  static long daemonPid(Map<String, String> env, Path cwd) throws Exception {
    Result status = labrun(cwd, env, null, "daemon", "status");
    assertThat(status.code()).as(status.toString()).isZero();
    Matcher m = PID.matcher(status.out());
    assertThat(m.find()).as(status.out()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void outputAndExitCodesAreThoseOfALabrunOfItsOwn(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path proj = project(home, tmp, "same");
    Map<String, String> env = env(home);

    Result viaDaemon =
        labrun(proj, env, null, "experiment", "submit", "-c", "local", "hello.py", "a b");
    Result alone =
        labrun(proj, direct(env), null, "experiment", "submit", "-c", "local", "hello.py", "a b");
    assertThat(viaDaemon.code()).as(viaDaemon.toString()).isZero();
    assertThat(alone.code()).as(alone.toString()).isZero();
    assertThat(viaDaemon.out()).isEqualTo(alone.out()).isEqualTo("hello ['a b']\n");
    assertThat(viaDaemon.err()).contains("to stderr").contains("RunId: ").contains("Completed");

    Result failedViaDaemon =
        labrun(proj, env, null, "experiment", "submit", "-c", "local", "fail.py");
    Result failedAlone =
        labrun(proj, direct(env), null, "experiment", "submit", "-c", "local", "fail.py");
    assertThat(failedViaDaemon.code()).isEqualTo(failedAlone.code()).isEqualTo(1);
    assertThat(failedViaDaemon.out()).isEqualTo(failedAlone.out()).isEqualTo("failing\n");

    Files.writeString(proj.resolve("aml_config/bad.runconfig"), "{ \"Target\": ");
    Result badViaDaemon = labrun(proj, env, null, "experiment", "submit", "-c", "bad", "hello.py");
    Result badAlone =
        labrun(proj, direct(env), null, "experiment", "submit", "-c", "bad", "hello.py");
    assertThat(badViaDaemon).isEqualTo(badAlone);
    assertThat(badViaDaemon.code()).isEqualTo(2);
    assertThat(badViaDaemon.err().lines()).singleElement().asString().startsWith("labrun: ");

    Result listViaDaemon = labrun(proj, env, null, "history", "list", "-o", "json");
    Result listAlone = labrun(proj, direct(env), null, "history", "list", "-o", "json");
    assertThat(listViaDaemon).isEqualTo(listAlone);
    assertThat(listViaDaemon.out()).contains("hello.py").contains("fail.py");
  }

  @Test
  void concurrentCommandsSeeOnlyTheirOwnHomeFolderAndEnvironment(@TempDir Path tmp)
      throws Exception {
    Path homeA = tmp.resolve("homeA");
    Path homeB = tmp.resolve("homeB");
    Path projA = project(homeA, Files.createDirectories(tmp.resolve("a")), "pa");
    Path projB = project(homeB, Files.createDirectories(tmp.resolve("b")), "pb");
    Map<String, String> envA = env(homeA);
    envA.put("MINE", "from-a");
    Map<String, String> envB = env(homeB);
    envB.put("MINE", "from-b");
    List<CompletableFuture<Result>> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> call(projA, envA, "experiment", "submit", "-c", "local", "env.py")));
      runs.add(
          CompletableFuture.supplyAsync(
              () -> call(projB, envB, "experiment", "submit", "-c", "local", "env.py")));
    }
    for (int i = 0; i < runs.size(); i++) {
      Result r = runs.get(i).get();
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .isEqualTo("MINE=" + (i % 2 == 0 ? "from-a" : "from-b") + " THEIRS=None\n");
    }
    Result listA = labrun(projA, envA, null, "history", "list", "-o", "json");
    Result listB = labrun(projB, envB, null, "history", "list", "-o", "json");
    assertThat(countRuns(listA.out(), "pa_")).isEqualTo(3);
    assertThat(listA.out()).doesNotContain("pb_");
    assertThat(countRuns(listB.out(), "pb_")).isEqualTo(3);
    assertThat(listB.out()).doesNotContain("pa_");
    assertThat(homeA.resolve("data/labrun.db")).exists();
    assertThat(homeB.resolve("data/labrun.db")).exists();
  }

  private static long countRuns(String json, String prefix) {
    return Pattern.compile("\"" + prefix + "\\d{8}T").matcher(json).results().count();
  }

  private static Result call(Path cwd, Map<String, String> env, String... args) {
    try {
      return labrun(cwd, env, null, args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theDaemonsOwnEnvironmentDoesNotReachScripts(@TempDir Path tmp) throws Exception {
    Path runtime = Files.createDirectories(shared.resolve("run-env"));
    Path home = tmp.resolve("home");
    Path proj = project(home, tmp, "envs");
    Map<String, String> first = baseEnv(runtime);
    first.put("LABRUN_HOME", home.toString());
    first.put("DAEMON_ONLY", "leaked");
    first.put("MINE", "first");
    Result r1 =
        labrun(
            proj,
            first,
            null,
            "experiment",
            "submit",
            "-c",
            "local",
            "env.py"); // starts the daemon with DAEMON_ONLY
    assertThat(r1.out()).isEqualTo("MINE=first THEIRS=leaked\n");
    Map<String, String> second = baseEnv(runtime);
    second.put("LABRUN_HOME", home.toString());
    second.put("MINE", "second");
    long pid = daemonPid(second, proj);
    Result r2 = labrun(proj, second, null, "experiment", "submit", "-c", "local", "env.py");
    assertThat(r2.code()).as(r2.toString()).isZero();
    assertThat(r2.out()).isEqualTo("MINE=second THEIRS=None\n");
    assertThat(daemonPid(second, proj)).as("the same daemon served both").isEqualTo(pid);
  }

  @Test
  void stdinIsTheCommandsOwn(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path proj = project(home, tmp, "stdin");
    Map<String, String> env = env(home);
    String[] attach = {
      "computetarget",
      "attach",
      "--name",
      "box",
      "--type",
      "remote",
      "--address",
      "127.0.0.1:2222",
      "--username",
      "someone",
      "--password-stdin",
      "--no-connect"
    };
    Result empty = labrun(proj, env, "", attach);
    assertThat(empty.code()).as(empty.toString()).isEqualTo(2);
    assertThat(empty.err())
        .isEqualTo(
            "labrun: the password is empty; give it on standard input with --password-stdin\n");

    Result given = labrun(proj, env, "s3cret pass\nnext line\n", attach);
    assertThat(given.code()).as(given.toString()).isZero();
    String compute = Files.readString(proj.resolve("aml_config/box.compute"));
    Matcher sealed = Pattern.compile("password: \"?(enc:v1:[^\"\\s]+)").matcher(compute);
    assertThat(sealed.find()).as(compute).isTrue();
    char[] clear =
        new SecretBox(home.resolve("config/secret.key")).decrypt(sealed.group(1), "password");
    assertThat(new String(clear)).isEqualTo("s3cret pass");
  }

  @Test
  void ctrlCDetachesAndTheRunGoesOnToItsRecordedEnd(@TempDir(cleanup = CleanupMode.NEVER) Path tmp)
      throws Exception {
    Path home = tmp.resolve("home");
    Path proj = project(home, tmp, "ctrlc");
    Path started = tmp.resolve("started");
    Path done = tmp.resolve("done");
    Files.writeString(
        proj.resolve("slow.py"),
        "import time\nopen(%s, 'w').close()\ntime.sleep(2)\nopen(%s, 'w').close()\n"
            .formatted(pyString(started), pyString(done)));
    Map<String, String> env = env(home);
    Process p = start(proj, env, null, "experiment", "submit", "-c", "local", "slow.py");
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    CompletableFuture.runAsync(() -> read(p.getInputStream()));
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
    ProcessHandle client =
        p.toHandle()
            .descendants()
            .filter(h -> h.info().commandLine().orElse("").contains("labrun_client.py"))
            .findFirst()
            .orElseThrow();
    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(client.pid())).start().waitFor())
        .isZero();
    assertThat(p.waitFor()).isEqualTo(130);
    assertThat(err.get()).contains("labrun: stopped watching; run ").contains(" goes on.");
    assertThat(done).as("Ctrl-C stopped the watching, not the run").doesNotExist();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Result list = labrun(proj, env, null, "history", "list", "-o", "json");
              assertThat(list.out()).contains("slow.py").contains("\"Completed\"");
            });
    deleteOnceQuiet(tmp);
  }

  /**
   * Deletes a test's folder once nothing writes into it any more: the labrun that records a
   * detached run's end may still be finishing (its Python files, its history) when the end shows.
   */
  static void deleteOnceQuiet(Path dir) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              try {
                Folders.delete(dir);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
  }

  @Test
  void aDaemonKilledUnderACommandGivesOneLineAndTheNextCommandStartsANewOne(@TempDir Path tmp)
      throws Exception {
    Path runtime = Files.createDirectories(shared.resolve("run-kill"));
    Path home = tmp.resolve("home");
    Path proj = project(home, tmp, "killed");
    Path started = tmp.resolve("started");
    Files.writeString(
        proj.resolve("slow.py"),
        "import time\nopen(%s, 'w').close()\ntime.sleep(5)\n".formatted(pyString(started)));
    Map<String, String> env = baseEnv(runtime);
    env.put("LABRUN_HOME", home.toString());
    long before = daemonPidAfterStart(env, proj);
    Process p = start(proj, env, null, "experiment", "submit", "-c", "local", "slow.py");
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    CompletableFuture.runAsync(() -> read(p.getInputStream()));
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
    ProcessHandle.of(before).orElseThrow().destroyForcibly();
    assertThat(p.waitFor()).isEqualTo(70);
    List<String> daemonLines = err.get().lines().filter(l -> l.contains("daemon")).toList();
    assertThat(daemonLines)
        .singleElement()
        .asString()
        .startsWith("labrun: the labrun daemon stopped before the command ended");
    assertThat(err.get()).doesNotContain("Traceback").doesNotContain("Exception");
    Result again = labrun(proj, env, null, "history", "list");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(daemonPid(env, proj)).isNotEqualTo(before);
  }

  private static long daemonPidAfterStart(Map<String, String> env, Path cwd) throws Exception {
    assertThat(labrun(cwd, env, null, "--version").code()).isZero();
    return daemonPid(env, cwd);
  }

  @Test
  void aRebuiltLabrunGetsADaemonOfItsOwnAndDaemonStopStopsIt(@TempDir Path tmp) throws Exception {
    Path runtime = Files.createDirectories(shared.resolve("run-build"));
    Path jar = tmp.resolve("labrun.jar");
    Files.copy(LABRUN.resolveSibling("../labrun-cli/target/labrun.jar").normalize(), jar);
    Map<String, String> env = baseEnv(runtime);
    env.put("LABRUN_HOME", tmp.resolve("home").toString());
    env.put("LABRUN_JAR", jar.toString());
    long first = daemonPidAfterStart(env, tmp);
    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000)); // "rebuilt"
    long second = daemonPidAfterStart(env, tmp);
    assertThat(second).isNotEqualTo(first);
    try (Stream<Path> files = Files.list(runtime.resolve("labrun"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".sock")).count()).isEqualTo(2);
    }
    assertThat(Files.getPosixFilePermissions(runtime.resolve("labrun")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    Result stop = labrun(tmp, env, null, "daemon", "stop");
    assertThat(stop.code()).as(stop.toString()).isZero();
    assertThat(stop.out()).contains("stopping (pid " + second + ")");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(second).map(h -> !h.isAlive()).orElse(true));
    Result status = labrun(tmp, env, null, "daemon", "status");
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.out()).isEqualTo("labrun daemon: not running\n");
    ProcessHandle.of(first).ifPresent(ProcessHandle::destroy); // the "old build's" daemon
  }

  @Test
  void daemonStopTakesNoFurtherCommandAndStatusSpeaksJsonWithReadableDurations(@TempDir Path tmp)
      throws Exception {
    Map<String, String> env = baseEnv(Files.createDirectories(shared.resolve("run-stop")));
    env.put("LABRUN_HOME", tmp.resolve("home").toString());
    long pid = daemonPidAfterStart(env, tmp);
    Result text = labrun(tmp, env, null, "daemon", "status");
    assertThat(text.out())
        .as(text.toString())
        .containsPattern("up \\d+\\.\\ds, 0 other command\\(s\\) running, idle timeout 10m00s\n")
        .doesNotContain("PT");
    Result json = labrun(tmp, env, null, "daemon", "status", "-o", "json");
    assertThat(json.code()).as(json.toString()).isZero();
    assertThat(json.out())
        .contains("\"running\" : true")
        .contains("\"pid\" : " + pid)
        .contains("\"idle_timeout\" : \"10m00s\"")
        .contains("\"idle_timeout_seconds\" : 600")
        .containsPattern("\"up\" : \"\\d+\\.\\ds\"");

    Result stop = labrun(tmp, env, null, "daemon", "stop");
    assertThat(stop.out()).as(stop.toString()).contains("stopping (pid " + pid + ")");
    // at once, no pause: the stopping daemon must not be the one that answers
    Result next = labrun(tmp, env, null, "daemon", "status", "-o", "json");
    assertThat(next.code()).as(next.toString()).isEqualTo(3);
    assertThat(next.out()).isEqualTo("{\n  \"running\" : false\n}\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void aDockerRunsContainerIsRemovedAfterTheDaemonsCommandHasAnswered(
      @TempDir(cleanup = CleanupMode.NEVER) Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path proj = project(home, tmp, "dock");
    Files.writeString(
        proj.resolve("aml_config/docker.compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n");
    Files.writeString(
        proj.resolve("aml_config/docker.runconfig"), "Target: docker\nPrepareEnvironment: true\n");
    Map<String, String> env = env(home);
    env.put("DOCKER_HOST", DockerTestEngine.host());
    env.put("LABRUN_DOCKER_NETWORK", "none");
    Result r = labrun(proj, env, null, "experiment", "submit", "-c", "docker", "hello.py", "x");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("hello ['x']\n");
    assertThat(r.err()).contains("Completed");
    String runId =
        r.err()
            .lines()
            .filter(l -> l.startsWith("RunId: "))
            .findFirst()
            .orElseThrow()
            .substring(7)
            .strip();
    // removed by the daemon once the command has answered, not left behind
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> DockerTestEngine.containersOf(runId).isEmpty());
    deleteOnceQuiet(tmp);
  }

  private static String pyString(Path p) {
    return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
