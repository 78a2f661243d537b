package io.labrun.store;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/**
 * The embedded history of one data folder: {@code labrun.db}, a marker written beside it when it
 * was made ({@code labrun.db.created}), and a record of each run in its own folder ({@code
 * runs/RUN/record.jsonl}, see {@link RunJournal}). A database that is missing or empty where one
 * existed (the marker, or run folders, say so) is refused instead of silently becoming a new, empty
 * history; {@link #rebuild} makes it again from the run folders.
 */
public final class History {
  public static final String DATABASE = "labrun.db";
  static final String MARKER = DATABASE + ".created";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private History() {}

  /** Opens the history of {@code dataDir}, made on first use; refuses one that was lost. */
  public static SqlRunStore open(Path dataDir) {
    Path db = dataDir.resolve(DATABASE);
    refuseLost(dataDir, db);
    SqlRunStore store = SqlRunStore.openFile(db);
    try {
      mark(dataDir);
    } catch (IOException e) {
      store.close();
      throw new LabrunException(
          ExitCode.STORE,
          "cannot write "
              + dataDir.resolve(MARKER)
              + " ("
              + e.getMessage()
              + "); check the data folder",
          e);
    }
    store.keepRecordsIn(dataDir.resolve("runs"));
    return store;
  }

  /**
   * What {@link #rebuild} did: how many runs it recorded, and where the old database went (or
   * null).
   */
  public record Rebuilt(int runs, Path keptAs) {}

  /**
   * Makes the history of {@code dataDir} again from the records in its run folders. An existing
   * database is moved aside, never deleted; one that opens and holds runs is replaced only when
   * {@code force} is given (runs recorded before labrun kept run records would be lost).
   */
  public static Rebuilt rebuild(Path dataDir, boolean force) throws IOException {
    Path db = dataDir.resolve(DATABASE);
    if (!force) {
      int held = runsHeld(db);
      if (held > 0) {
        throw LabrunException.badInput(
            "the history "
                + db
                + " opens and holds "
                + held
                + " runs: nothing to rebuild; pass --force to"
                + " make it again from the run folders anyway (the old file is kept beside it)");
      }
    }
    Path kept = null;
    if (Files.exists(db)) {
      String suffix = ".before-rebuild-" + STAMP.format(Instant.now());
      kept = db.resolveSibling(DATABASE + suffix);
      for (String part : new String[] {"", "-wal", "-shm"}) {
        Path f = db.resolveSibling(DATABASE + part);
        if (Files.exists(f)) {
          Files.move(
              f, db.resolveSibling(DATABASE + suffix + part), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
    int runs;
    try (SqlRunStore fresh = SqlRunStore.openFile(db)) {
      runs =
          RunJournal.replay(
              dataDir.resolve("runs"),
              fresh); // no journal on this store: replaying writes no records
    }
    mark(dataDir);
    return new Rebuilt(runs, kept);
  }

  private static int runsHeld(Path db) {
    try {
      if (!Files.exists(db) || Files.size(db) == 0) {
        return 0;
      }
    } catch (IOException e) {
      return 0;
    }
    try (SqlRunStore store = SqlRunStore.openFile(db)) {
      return store.runCount();
    } catch (LabrunException e) {
      return 0; // damaged: rebuilding is what it needs
    }
  }

  private static void refuseLost(Path dataDir, Path db) {
    long size;
    try {
      size = Files.exists(db) ? Files.size(db) : -1;
    } catch (IOException e) {
      return; // opening it says what is wrong
    }
    if (size > 0) {
      return;
    }
    boolean made = Files.exists(dataDir.resolve(MARKER));
    boolean runsKept = hasRunFolders(dataDir.resolve("runs"));
    if (!made && !runsKept) {
      return; // a new data folder: the history is made now
    }
    throw new LabrunException(
        ExitCode.STORE,
        "the run history "
            + db
            + " is "
            + (size == 0 ? "empty" : "missing")
            + ", but "
            + (made
                ? "it was made before (" + MARKER + ")"
                : "runs were recorded here (" + dataDir.resolve("runs") + ")")
            + "; restore it from a backup, or make it again from the run folders with 'labrun"
            + " history rebuild'");
  }

  private static boolean hasRunFolders(Path runs) {
    if (!Files.isDirectory(runs)) {
      return false;
    }
    try (Stream<Path> s = Files.list(runs)) {
      return s.anyMatch(Files::isDirectory);
    } catch (IOException e) {
      return false;
    }
  }

  private static void mark(Path dataDir) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    if (!Files.exists(marker)) {
      Files.writeString(
          marker,
          "labrun made "
              + DATABASE
              + " in this folder; while this file is here, labrun refuses to start a new, empty"
              + " history in place of a lost one ('labrun history rebuild' makes it again from"
              + " runs/).\n");
    }
  }
}
