package io.labrun.core.snapshot;

import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;

/**
 * Lists the files of a project that a snapshot takes, applying {@link IgnoreRules} on the way down
 * (an ignored folder is never entered) and reading nested {@code .gitignore} files as it meets
 * them.
 *
 * <p>One {@code lstat} per entry. It does not use {@code Files.walkFileTree}: the attributes that
 * gives are {@code BasicFileAttributes} without the permission bits, and {@code chmod +x} changes
 * neither size nor time, so the executable bit needs the mode on every walk; reading {@code
 * PosixFileAttributes} straight away gets it from the same {@code lstat}. Folders are listed in
 * parallel (one fork-join task per folder): with the metadata cached, the walk is CPU-bound in the
 * JDK's per-file work, and on a network file system it is latency-bound; both gain.
 *
 * <p>Symbolic links: a link whose target, fully resolved, is a regular file inside the project is
 * taken as a regular file with the target's content and executable bit (targets such as Docker or a
 * remote host get plain files, and identical content is stored once anyway). Links to folders are
 * not followed (no cycles, no file twice), links leading outside the project are not followed (a
 * snapshot holds the project, not what it points at; shared data belongs in {@code
 * nativeSharedDirectory}), and dangling links are left out. Each such link, and each socket, pipe
 * or device, is reported as skipped so the caller can warn.
 */
final class ProjectWalk {
  /** A file to snapshot: where it sits and what {@code lstat} (or {@code stat} for a link) said. */
  record Found(
      String path, Path file, long size, long mtimeNanos, String fileKey, boolean executable) {}

  record Result(List<Found> files, List<SnapshotReport.Skipped> skipped) {}

  /** Shared by all walks; its threads are daemons and end when idle. */
  private static final class Pool {
    static final ForkJoinPool INSTANCE =
        new ForkJoinPool(Math.max(2, Math.min(16, Runtime.getRuntime().availableProcessors())));
  }

  private final Path realRoot;
  private final boolean posix;

  private ProjectWalk(Path root) throws IOException {
    this.realRoot = root.toRealPath();
    this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Walks the project in {@code root}; the result's files are in no particular order. */
  static Result walk(Path root) throws IOException {
    ProjectWalk walk = new ProjectWalk(root);
    IgnoreRules rules = IgnoreRules.builtIn();
    Path amlignore = root.resolve(IgnoreRules.AMLIGNORE);
    if (Files.isRegularFile(amlignore)) {
      rules = rules.withAmlignore(readText(amlignore));
    }
    Folder top = walk.new Folder(root, "", rules);
    try {
      Pool.INSTANCE.invoke(top);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Found> files = new ArrayList<>();
    List<SnapshotReport.Skipped> skipped = new ArrayList<>();
    top.collect(files, skipped);
    return new Result(files, skipped);
  }

  /** Lists one folder; its subfolders are tasks of their own. */
  private final class Folder extends RecursiveAction {
    private final Path dir;
    private final String rel;
    private final IgnoreRules inherited;
    private final List<Found> files = new ArrayList<>();
    private final List<SnapshotReport.Skipped> skipped = new ArrayList<>();
    private final List<Folder> subfolders = new ArrayList<>();

    Folder(Path dir, String rel, IgnoreRules rules) {
      this.dir = dir;
      this.rel = rel;
      this.inherited = rules;
    }

    @Override
    protected void compute() {
      try {
        list();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      invokeAll(subfolders);
    }

    void collect(List<Found> allFiles, List<SnapshotReport.Skipped> allSkipped) {
      allFiles.addAll(files);
      allSkipped.addAll(skipped);
      for (Folder f : subfolders) {
        f.collect(allFiles, allSkipped);
      }
    }

    private void list() throws IOException {
      IgnoreRules rules = inherited;
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        for (Path child : stream) {
          children.add(child);
          if (child.getFileName().toString().equals(IgnoreRules.GITIGNORE)
              && Files.isRegularFile(child)) {
            rules = rules.withGitignore(rel, readText(child));
          }
        }
      } catch (NoSuchFileException e) {
        return; // removed while we walked
      } catch (IOException e) {
        throw cannotRead(rel.isEmpty() ? "the project folder" : rel + "/", e);
      }
      for (Path child : children) {
        String name = child.getFileName().toString();
        String path = rel.isEmpty() ? name : rel + "/" + name;
        BasicFileAttributes attrs;
        try {
          attrs = readAttributes(child, path, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        }
        boolean directory = attrs.isDirectory();
        if (rules.isIgnored(path, directory)) {
          continue;
        }
        checkNameRoundTrips(dir, child, path);
        if (directory) {
          subfolders.add(new Folder(child, path, rules));
        } else if (attrs.isRegularFile()) {
          files.add(found(path, child, attrs));
        } else if (attrs.isSymbolicLink()) {
          link(path, child);
        } else {
          skipped.add(
              new SnapshotReport.Skipped(path, "not a regular file (a socket, pipe or device)"));
        }
      }
    }

    private void link(String path, Path link) throws IOException {
      Path target;
      try {
        target = link.toRealPath();
      } catch (IOException e) {
        skipped.add(
            new SnapshotReport.Skipped(
                path,
                "symbolic link to "
                    + linkText(link)
                    + ", which does not resolve (missing, or a loop)"));
        return;
      }
      if (!target.startsWith(realRoot)) {
        skipped.add(
            new SnapshotReport.Skipped(
                path, "symbolic link to " + linkText(link) + ", outside the project"));
        return;
      }
      BasicFileAttributes attrs = readAttributes(target, path);
      if (attrs.isRegularFile()) {
        files.add(found(path, target, attrs));
      } else if (attrs.isDirectory()) {
        skipped.add(
            new SnapshotReport.Skipped(
                path,
                "symbolic link to the folder "
                    + linkText(link)
                    + "; links to folders are not followed"));
      } else {
        skipped.add(
            new SnapshotReport.Skipped(
                path, "symbolic link to something that is not a regular file"));
      }
    }
  }

  private Found found(String path, Path file, BasicFileAttributes attrs) {
    boolean executable =
        posix
            && ((PosixFileAttributes) attrs)
                .permissions()
                .contains(PosixFilePermission.OWNER_EXECUTE);
    Object key = attrs.fileKey();
    return new Found(
        path,
        file,
        attrs.size(),
        attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS),
        key == null ? null : key.toString(),
        executable);
  }

  private BasicFileAttributes readAttributes(Path file, String path, LinkOption... options)
      throws IOException {
    try {
      return posix
          ? Files.readAttributes(file, PosixFileAttributes.class, options)
          : Files.readAttributes(file, BasicFileAttributes.class, options);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      throw cannotRead(path, e);
    }
  }

  /**
   * A name the JVM cannot decode (e.g. Latin-1 bytes on a UTF-8 system) comes back with U+FFFD in
   * it, and a path made from that text names another file: such a file could be neither read back
   * reliably nor recreated, so the snapshot refuses it rather than silently dropping it.
   */
  private static void checkNameRoundTrips(Path dir, Path child, String path) {
    String name = child.getFileName().toString();
    if (name.indexOf('\uFFFD') >= 0 && !dir.resolve(name).equals(child)) {
      String encoding = System.getProperty("sun.jnu.encoding", "the platform's file name encoding");
      throw LabrunException.badInput(
          "cannot snapshot '"
              + path
              + "': its name is not valid "
              + encoding
              + ", so it could not be recreated exactly; rename it, or leave it out with a pattern"
              + " in "
              + IgnoreRules.AMLIGNORE);
    }
  }

  private static String linkText(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "(unreadable)";
    }
  }

  private static String readText(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  static LabrunException cannotRead(String what, IOException e) {
    return LabrunException.badInput(
        "cannot read "
            + what
            + " in the project ("
            + describe(e)
            + "); fix its permissions, or leave it out with a pattern in "
            + IgnoreRules.AMLIGNORE);
  }

  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
