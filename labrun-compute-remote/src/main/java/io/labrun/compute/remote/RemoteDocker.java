package io.labrun.compute.remote;

import io.labrun.core.environment.CleanReport;
import io.labrun.core.environment.ImageLabels;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunEvents;
import io.labrun.ssh.SshConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Docker engine of a host, driven with the {@code docker} command over the target's SSH
 * connection (one channel per command, no second connection). Every word is quoted; nothing a
 * project says is put into a shell line.
 */
final class RemoteDocker {
  private static final Duration QUICK = Duration.ofMinutes(2);
  private static final Duration LONG = Duration.ofHours(2);
  private final SshConnection ssh;
  private final String where;

  RemoteDocker(SshConnection ssh) {
    this.ssh = ssh;
    this.where = ssh.settings().where();
  }

  /**
   * The user's uid:gid on the host, once Docker is found usable there (one clear line otherwise).
   */
  String checkAndUser() throws IOException {
    return check(null).user();
  }

  /**
   * What one look at the host's engine found: the user's uid:gid, and the base image's id when it
   * has it.
   */
  record Engine(String user, Optional<String> baseImageId) {}

  /**
   * Checks that Docker is usable on the host (one clear line otherwise) and, given {@code image},
   * looks it up, in one command: every step of a submit is a round trip and a process start there.
   * The image name is an argument of the script, never part of it.
   */
  Engine check(String image) throws IOException {
    String script =
        "id -u; id -g; docker version --format '{{.Server.Version}}' || exit $?"
            + (image == null
                ? ""
                : "; docker image inspect --format '{{.Id}}' \"$1\" 2>/dev/null || true");
    List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
    if (image != null) {
      argv.add(image);
    }
    SshConnection.Result r = ssh.run(argv, null, QUICK);
    List<String> out = r.out().lines().toList();
    Optional<LabrunException> problem =
        problem(r.exitCode(), r.err(), out.size() >= 3, ssh.settings().user(), where);
    if (problem.isPresent()) {
      throw problem.get();
    }
    Optional<String> id =
        out.size() > 3
            ? Optional.of(out.get(3).strip()).filter(l -> l.startsWith("sha256:"))
            : Optional.empty();
    return new Engine(out.get(0).strip() + ":" + out.get(1).strip(), id);
  }

  /** What a failed {@code docker version} on a host means, in one line; empty when it worked. */
  static Optional<LabrunException> problem(
      int exitCode, String stderr, boolean answered, String user, String where) {
    String err = stderr.strip();
    if (exitCode == 127 || err.contains("docker: not found") || err.contains("command not found")) {
      return Optional.of(
          new LabrunException(
              ExitCode.TARGET_UNAVAILABLE,
              "Docker is not installed on "
                  + where
                  + " (no 'docker' command for "
                  + user
                  + "); install Docker there, or use a remote target to run with the host's"
                  + " Python"));
    }
    if (err.toLowerCase(Locale.ROOT).contains("permission denied")) {
      return Optional.of(
          new LabrunException(
              ExitCode.TARGET_UNAVAILABLE,
              user
                  + " may not use Docker on "
                  + where
                  + " (permission denied on its socket); add the user to the docker group there"
                  + " (sudo usermod -aG docker "
                  + user
                  + ")"));
    }
    if (exitCode != 0 || !answered) {
      return Optional.of(
          new LabrunException(
              ExitCode.TARGET_UNAVAILABLE,
              "the Docker engine on "
                  + where
                  + " does not answer ("
                  + (err.isEmpty() ? "exit code " + exitCode : lastLine(err))
                  + "); start Docker there"));
    }
    return Optional.empty();
  }

  /** The image's id, or empty when the engine does not have it. */
  Optional<String> imageId(String image) throws IOException {
    SshConnection.Result r =
        ssh.run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", image), null, QUICK);
    return r.exitCode() == 0 ? Optional.of(r.out().strip()) : Optional.empty();
  }

  /** A label of an image, or empty when the image or the label is missing. */
  Optional<String> imageLabel(String image, String label) throws IOException {
    SshConnection.Result r =
        ssh.run(
            List.of(
                "docker",
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"" + label + "\"}}",
                image),
            null,
            QUICK);
    return r.exitCode() == 0
        ? Optional.of(r.out().strip()).filter(s -> !s.isEmpty() && !s.equals("<no value>"))
        : Optional.empty();
  }

  /** Pulls an image the engine lacks; a clear line when it cannot. */
  String pull(String image, String targetName, RunEvents events) throws IOException {
    events.progress("pulling the base image " + image + " on " + where);
    SshConnection.Result r = ssh.run(List.of("docker", "pull", "--quiet", image), null, LONG);
    if (r.exitCode() != 0) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "the base image "
              + image
              + " (baseDockerImage in aml_config/"
              + targetName
              + ".compute) is not on the Docker engine of "
              + where
              + " and cannot be pulled: "
              + lastLine(r.err())
              + "; load or build it there, or name an image the engine has");
    }
    return imageId(image)
        .orElseThrow(() -> new IOException("the pulled image " + image + " is not there"));
  }

  /**
   * Builds {@code tag} from the build context tar {@code context}, unpacked into {@code dir} on the
   * host first (a context on stdin is not recognized as a tar by every Docker CLI); the output goes
   * to {@code log}.
   */
  void build(Path context, String dir, String tag, List<String> labels, String network, Path log)
      throws IOException {
    try (InputStream in = Files.newInputStream(context)) {
      SshConnection.Result r =
          ssh.run(
              List.of(
                  "sh", "-c", "rm -rf \"$1\" && mkdir -p \"$1\" && tar -xf - -C \"$1\"", "sh", dir),
              in,
              LONG);
      if (r.exitCode() != 0) {
        throw new LabrunException(
            ExitCode.ENVIRONMENT,
            "cannot unpack the build folder on " + where + ": " + lastLine(r.err()));
      }
    }
    List<String> argv = new ArrayList<>(List.of("docker", "build", "--tag", tag));
    for (String l : labels) {
      argv.add("--label");
      argv.add(l);
    }
    if (network != null) {
      argv.add("--network");
      argv.add(network);
    }
    argv.add(dir);
    int code;
    try (OutputStream out = Files.newOutputStream(log)) {
      code = ssh.stream(argv, null, out, out, LONG);
    } finally {
      ssh.run(List.of("rm", "-rf", "--", dir), null, QUICK);
    }
    if (code != 0) {
      String tail = Files.readString(log).strip();
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "building the environment image "
              + tag
              + " on "
              + where
              + " failed: "
              + lastLine(tail)
              + " (build log: "
              + log
              + ")");
    }
  }

  /** Starts a detached container; returns its id. */
  String run(List<String> options, String image, List<String> command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("docker", "run", "--detach"));
    argv.addAll(options);
    argv.add(image);
    argv.addAll(command);
    SshConnection.Result r = ssh.run(argv, null, QUICK);
    if (r.exitCode() != 0) {
      String m = lastLine(r.err());
      if (m.contains("could not select device driver")) {
        throw new LabrunException(
            ExitCode.ENVIRONMENT,
            "nvidiaDocker: true, but the Docker engine of "
                + where
                + " has no GPU support ("
                + m
                + "); install the NVIDIA Container Toolkit there, or set nvidiaDocker: false");
      }
      throw new LabrunException(
          ExitCode.ENVIRONMENT, "cannot start the run's container on " + where + ": " + m);
    }
    return r.out().strip();
  }

  /** Removes labrun's stopped run containers and its environment images not in use. */
  CleanReport clean() throws IOException {
    List<String> removed = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    long freed = 0;
    String label = "label=" + ImageLabels.LABEL_MANAGED + "=true";
    SshConnection.Result stopped =
        ssh.run(
            List.of(
                "docker", "ps", "--all", "--quiet", "--filter", label, "--filter", "status=exited"),
            null,
            QUICK);
    for (String id : stopped.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      if (ssh.run(List.of("docker", "rm", id), null, QUICK).exitCode() == 0) {
        removed.add("stopped container " + id + " on " + where);
      }
    }
    SshConnection.Result images =
        ssh.run(
            List.of("docker", "image", "ls", "--quiet", "--no-trunc", "--filter", label),
            null,
            QUICK);
    for (String id :
        images.out().lines().map(String::strip).filter(l -> !l.isEmpty()).distinct().toList()) {
      SshConnection.Result info =
          ssh.run(
              List.of(
                  "docker",
                  "image",
                  "inspect",
                  "--format",
                  "{{.Size}} {{join .RepoTags \",\"}}",
                  id),
              null,
              QUICK);
      String[] sizeAndTags = info.out().strip().split(" ", 2);
      String name = sizeAndTags.length > 1 && !sizeAndTags[1].isEmpty() ? sizeAndTags[1] : id;
      SshConnection.Result rm = ssh.run(List.of("docker", "image", "rm", id), null, QUICK);
      if (rm.exitCode() == 0) {
        removed.add("image " + name + " on " + where);
        freed += parseLong(sizeAndTags[0]);
      } else {
        kept.add("image " + name + " on " + where + ": " + lastLine(rm.err()));
      }
    }
    return new CleanReport(removed, kept, freed);
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String lastLine(String text) {
    String t = text.strip();
    return t.isEmpty() ? "(no output)" : t.substring(t.lastIndexOf('\n') + 1);
  }
}
