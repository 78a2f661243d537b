package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * labrun_remote.py run here, in a folder standing for the host's home: the cache and materializing.
 */
class RemoteHelperTest {
  @TempDir Path home;
  Path helper;

  @BeforeEach
  void copyHelper() throws IOException {
    helper = home.resolve("labrun_remote.py");
    try (InputStream in = HostCache.class.getResourceAsStream(HostCache.HELPER)) {
      Files.write(helper, in.readAllBytes());
    }
  }

  @Test
  void receivesOnlyWhatIsMissingAndWritesTheSnapshotOut() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("train.py", "print('hi')\n".getBytes(StandardCharsets.UTF_8));
    files.put("dir with space/it's $HOME;.txt", "x".getBytes(StandardCharsets.UTF_8));
    files.put("odd/new\nline\\back\ttab", "y".getBytes(StandardCharsets.UTF_8));
    files.put("ünïcødé/データ.csv", "a,b\n".getBytes(StandardCharsets.UTF_8));
    files.put("run.sh", "#!/bin/sh\necho ok\n".getBytes(StandardCharsets.UTF_8));
    files.put(
        "copy.py", "print('hi')\n".getBytes(StandardCharsets.UTF_8)); // same content: one object
    List<SnapshotEntry> entries = new ArrayList<>();
    Map<String, byte[]> objects = new LinkedHashMap<>();
    files.forEach(
        (path, content) -> {
          entries.add(new SnapshotEntry(path, sha(content), content.length, path.equals("run.sh")));
          objects.put(sha(content), content);
        });
    Snapshot snapshot = Snapshot.of(entries);
    objects.put(snapshot.id(), snapshot.manifest());

    StringBuilder asking = new StringBuilder();
    objects.forEach(
        (sha, content) -> asking.append(sha).append(' ').append(content.length).append('\n'));
    String ask = asking.toString();
    assertThat(run(ask.getBytes(StandardCharsets.US_ASCII), "missing").lines())
        .containsExactlyElementsOf(objects.keySet());

    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> o : objects.entrySet()) {
      frames.writeBytes(
          (o.getKey() + " " + o.getValue().length + "\n").getBytes(StandardCharsets.US_ASCII));
      frames.writeBytes(o.getValue());
    }
    frames.writeBytes("end\n".getBytes(StandardCharsets.US_ASCII));
    run(frames.toByteArray(), "receive", ".labrun/runs/r1/work", snapshot.id());
    Path work = home.resolve(".labrun/runs/r1/work");
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertThat(work.resolve(f.getKey())).hasBinaryContent(f.getValue());
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("run.sh"))))
        .isEqualTo("rwxr-xr-x");
    // Not executable: a hard link to the read-only cached object, not a copy of it.
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("train.py"))))
        .isEqualTo("r--r--r--");
    assertThat(Files.getAttribute(work.resolve("train.py"), "unix:nlink"))
        .isEqualTo(3); // the object, train.py, copy.py
    assertThat(run(ask.getBytes(StandardCharsets.US_ASCII), "missing")).isEmpty();

    // Nothing to send the second time: the same snapshot is written out from the cache alone.
    run(
        "end\n".getBytes(StandardCharsets.US_ASCII),
        "receive",
        ".labrun/runs/r2/work",
        snapshot.id());
    assertThat(home.resolve(".labrun/runs/r2/work/train.py")).hasContent("print('hi')");

    // A run that changes a linked file in place (after a chmod, or as root) spoils that object: it
    // is sent again.
    Path linked = home.resolve(".labrun/runs/r2/work/train.py");
    Files.setPosixFilePermissions(linked, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(linked, "print('changed')\n");
    assertThat(run(ask.getBytes(StandardCharsets.US_ASCII), "missing").strip())
        .isEqualTo(sha(files.get("train.py")));
    // (A run going on at the same time with the same file sees the change: the price of not
    // copying; see the user guide.)
  }

  @Test
  void aRetriedLaunchNeverStartsTheRunTwice() throws Exception {
    byte[] content = "print('hi')\n".getBytes(StandardCharsets.UTF_8);
    Snapshot snapshot =
        Snapshot.of(List.of(new SnapshotEntry("a.py", sha(content), content.length, false)));
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (byte[] o : List.of(content, snapshot.manifest())) {
      frames.writeBytes((sha(o) + " " + o.length + "\n").getBytes(StandardCharsets.US_ASCII));
      frames.writeBytes(o);
    }
    frames.writeBytes("end\n".getBytes(StandardCharsets.US_ASCII));
    String pid =
        run(
                frames.toByteArray(),
                "receive",
                ".labrun/runs/r1/work",
                snapshot.id(),
                ".labrun/runs/r1")
            .strip();
    assertThat(home.resolve(".labrun/runs/r1/supervisor.pid")).hasContent(pid);
    Files.delete(home.resolve(".labrun/runs/r1/work/a.py"));
    assertThat(
            run(
                "end\n".getBytes(StandardCharsets.US_ASCII),
                "receive",
                ".labrun/runs/r1/work",
                snapshot.id(),
                ".labrun/runs/r1"))
        .isEmpty();
    assertThat(home.resolve(".labrun/runs/r1/work/a.py"))
        .as("neither written out nor started again")
        .doesNotExist();
  }

  @Test
  void damagedObjectsAndForeignFoldersAreRefused() throws Exception {
    byte[] content = "abc".getBytes(StandardCharsets.US_ASCII);
    String wrong = sha("abd".getBytes(StandardCharsets.US_ASCII));
    Result r =
        exec(
            (wrong + " 3\nabcend\n").getBytes(StandardCharsets.US_ASCII),
            "receive",
            ".labrun/runs/r1/work",
            sha(content));
    assertThat(r.code).isNotZero();
    assertThat(r.err).contains("arrived damaged");
    assertThat(home.resolve(".labrun/objects/" + wrong.substring(0, 2) + "/" + wrong.substring(2)))
        .doesNotExist();
    for (String dir : List.of("../../elsewhere/work", ".labrun/runs/../../x/work", "/tmp/x/work")) {
      assertThat(
              exec("end\n".getBytes(StandardCharsets.US_ASCII), "receive", dir, sha(content)).err)
          .contains("not a run folder");
    }
    assertThat(exec(new byte[0], "clean", ".labrun/runs/../..").err).contains("not a run folder");
  }

  @Test
  void gcRemovesOnlyFoldersOfRunsThatAreOver() throws Exception {
    Path runs = Files.createDirectories(home.resolve(".labrun/runs"));
    String here = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    String dead = "999999999\n";
    folder(runs.resolve("ended"), Map.of("exit.json", "{}"));
    Path scratch = home.resolve("scratch/linked");
    folder(scratch, Map.of("exit.json", "{}"));
    Files.createSymbolicLink(runs.resolve("linked"), scratch); // a Slurm workFolder
    folder(runs.resolve("diedHere"), Map.of("supervisor.pid", dead, "supervisor.host", here));
    // the history says it goes on (a job requeued, an end not yet collected)
    folder(runs.resolve("goesOn"), Map.of("exit.json", "{}"));
    // another labrun home on this login has still to collect it
    folder(
        runs.resolve("otherHome"),
        Map.of("exit.json", "{}", "supervisor.pid", dead, "supervisor.host", here));
    folder(runs.resolve("pending"), Map.of("launch.json", "{}", "job.sh", "exit 0\n"));
    folder(runs.resolve("onANode"), Map.of("launch.json", "{}", "supervisor.json", "{}"));
    folder(
        runs.resolve("otherLogin"),
        Map.of("supervisor.pid", dead, "supervisor.host", "login2.elsewhere"));
    folder(runs.resolve("beforeHosts"), Map.of("supervisor.pid", dead));
    assertThat(run(new byte[0], "runs").lines()).hasSize(9).contains("linked", "pending");

    String out = run("ended\nlinked\nunknown\n".getBytes(StandardCharsets.UTF_8), "gc");

    assertThat(out.strip()).endsWith(" 3");
    try (var left = Files.list(runs)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "goesOn", "otherHome", "pending", "onANode", "otherLogin", "beforeHosts");
    }
    assertThat(scratch).doesNotExist();
  }

  @Test
  void cleaningTheCacheWaitsForASubmitWritingItsFilesFromIt() throws Exception {
    byte[] content = "print('hi')\n".getBytes(StandardCharsets.UTF_8);
    Snapshot snapshot =
        Snapshot.of(List.of(new SnapshotEntry("train.py", sha(content), content.length, false)));
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (byte[] o : List.of(content, snapshot.manifest())) {
      frames.writeBytes((sha(o) + " " + o.length + "\n").getBytes(StandardCharsets.US_ASCII));
      frames.writeBytes(o);
    }
    frames.writeBytes("end\n".getBytes(StandardCharsets.US_ASCII));
    run(frames.toByteArray(), "receive", ".labrun/runs/r1/work", snapshot.id());

    // A second submit of the same project: the host has every object, so it writes the files out
    // from the cache. It holds the exchange open after its answer, as a submit still sending does.
    Process submit =
        new ProcessBuilder(
                "python3", helper.toString(), "sync", ".labrun/runs/r2/work", snapshot.id())
            .directory(home.toFile())
            .start();
    var toSubmit = submit.getOutputStream();
    toSubmit.write(
        (sha(content)
                + " "
                + content.length
                + "\n"
                + snapshot.id()
                + " "
                + snapshot.manifest().length
                + "\n\n")
            .getBytes(StandardCharsets.US_ASCII));
    toSubmit.flush();
    var answer =
        new BufferedReader(
            new InputStreamReader(submit.getInputStream(), StandardCharsets.US_ASCII));
    assertThat(answer.readLine()).as("nothing is missing").isEmpty();

    Process clean =
        new ProcessBuilder("python3", helper.toString(), "gc")
            .directory(home.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    awaitBlockedLock(clean); // the cleaner waits for the submit

    toSubmit.write("end\n".getBytes(StandardCharsets.US_ASCII));
    toSubmit.close();
    assertThat(submit.waitFor())
        .as(new String(submit.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
    assertThat(home.resolve(".labrun/runs/r2/work/train.py")).hasBinaryContent(content);
    assertThat(clean.waitFor()).isZero();
    assertThat(new String(clean.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("waiting for a submit to this host");
    assertThat(home.resolve(".labrun/objects")).doesNotExist(); // then emptied as asked
    assertThat(home.resolve(".labrun/runs/r2/work/train.py")).hasBinaryContent(content);
  }

  /** Waits until {@code p} waits for a lock ({@code /proc/locks} shows it blocked). */
  private static void awaitBlockedLock(Process p) throws Exception {
    long pid = p.pid();
    for (int i = 0; i < 600 && p.isAlive(); i++) {
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        if (line.contains("->") && line.split("\\s+")[5].equals(Long.toString(pid))) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("process " + pid + " never waited for the cache's lock");
  }

  @Test
  void startWritesTheMachineItsSupervisorRunsOn() throws Exception {
    Path run = Files.createDirectories(home.resolve(".labrun/runs/r2"));
    run(new byte[0], "start", ".labrun/runs/r2");
    assertThat(run.resolve("supervisor.host"))
        .hasContent(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
  }

  private static void folder(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir.resolve("work"));
    for (var f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
  }

  private String run(byte[] stdin, String... args) throws Exception {
    Result r = exec(stdin, args);
    assertThat(r.code).as(r.err).isZero();
    return r.out;
  }

  private record Result(int code, String out, String err) {}

  private Result exec(byte[] stdin, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("python3", helper.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(home.toFile()).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out, err);
  }

  private static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
