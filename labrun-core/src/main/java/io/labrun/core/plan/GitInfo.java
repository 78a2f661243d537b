package io.labrun.core.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The git commit of a project and whether it has uncommitted changes, when it is a git repo. */
public record GitInfo(String commit, Boolean dirty) {
  static final GitInfo NONE = new GitInfo(null, null);

  /**
   * Asks {@code git} (if the project is in a repository and git is installed); never fails a run.
   */
  public static GitInfo of(Path projectRoot) {
    return of(projectRoot, null);
  }

  /**
   * As above, {@code git} running with {@code env} (the command's), or this process's when null.
   */
  public static GitInfo of(Path projectRoot, Map<String, String> env) {
    if (!insideRepository(projectRoot)) {
      return NONE;
    }
    String head = git(env, projectRoot, "rev-parse", "HEAD");
    if (head == null || head.isBlank()) {
      return NONE;
    }
    String status =
        git(env, projectRoot, "status", "--porcelain", "--untracked-files=no", "--", ".");
    return new GitInfo(head.strip(), status == null ? null : !status.isBlank());
  }

  private static boolean insideRepository(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        return true;
      }
    }
    return false;
  }

  private static String git(Map<String, String> env, Path dir, String... args) {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "git";
    cmd[1] = "-C";
    cmd[2] = dir.toString();
    System.arraycopy(args, 0, cmd, 3, args.length);
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      if (env != null) {
        pb.environment().clear();
        pb.environment().putAll(env);
      }
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null; // no git installed: the run simply records no commit
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
