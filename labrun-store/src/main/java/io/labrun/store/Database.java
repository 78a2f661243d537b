package io.labrun.store;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Properties;

/**
 * The connections of one store and the two ways to use them: a statement on its own, or a write
 * transaction. A few idle connections are kept so that the server's threads can work at once while
 * a CLI process, which opens one store, keeps a single connection. Every {@link SQLException}
 * leaves this class as a {@link LabrunException} whose one-line message says what failed and what
 * to do.
 */
final class Database implements AutoCloseable {
  /** Work done with a connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private static final int MAX_IDLE = 4;

  private final String url;
  private final Dialect dialect;
  private final Properties properties;
  private final Duration lockTimeout;
  private final String location;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  Database(String url, Duration lockTimeout) {
    this.url = url;
    this.dialect = Dialect.of(url);
    this.lockTimeout = lockTimeout;
    this.properties = dialect.connectionProperties(lockTimeout);
    this.location = location(url);
    if (dialect == Dialect.SQLITE) {
      prepareFolder(sqliteFile(url));
    }
  }

  /**
   * An SQLite history (and its journal files) is readable by its owner alone (0600), whatever the
   * umask it was created with: it holds params, tags and the server's token hashes.
   */
  void keepPrivate() {
    if (dialect != Dialect.SQLITE) {
      return;
    }
    Path file = sqliteFile(url);
    try {
      for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
        Folders.makePrivate(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot make the run history "
              + file
              + " private to its owner ("
              + reason(e)
              + "); check that you own it",
          e);
    }
  }

  Dialect dialect() {
    return dialect;
  }

  /** Where the history lives, for messages: a file, or a server without user and password. */
  String location() {
    return location;
  }

  /**
   * Runs {@code work} outside a transaction: reads, and single statements (atomic by themselves).
   */
  <T> T run(String action, Work<T> work) {
    Connection c = borrow(action);
    boolean reusable = false;
    try {
      T result = work.run(c);
      reusable = true;
      return result;
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      release(c, reusable);
    }
  }

  /** Runs {@code work} in one write transaction, rolled back if it throws. */
  <T> T transaction(String action, Work<T> work) {
    Connection c = borrow(action);
    boolean reusable = false;
    try {
      dialect.begin(c);
      T result;
      try {
        result = work.run(c);
        dialect.commit(c);
      } catch (SQLException | RuntimeException e) {
        try {
          dialect.rollback(c);
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
      reusable = true;
      return result;
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      release(c, reusable);
    }
  }

  @Override
  public void close() {
    synchronized (idle) {
      closed = true;
      for (Connection c : idle) {
        closeQuietly(c);
      }
      idle.clear();
    }
  }

  private Connection borrow(String action) {
    synchronized (idle) {
      if (closed) {
        throw new IllegalStateException("the run store " + location + " is closed");
      }
      Connection c = idle.pollFirst();
      if (c != null) {
        return c;
      }
    }
    Connection c = null;
    try {
      c = DriverManager.getConnection(url, properties);
      dialect.prepare(c);
      return c;
    } catch (SQLException e) {
      if (c != null) {
        closeQuietly(c);
      }
      throw failure(action, e);
    }
  }

  // A connection that saw an error is closed rather than reused: its state is unknown.
  private void release(Connection c, boolean reusable) {
    synchronized (idle) {
      if (reusable && !closed && idle.size() < MAX_IDLE) {
        idle.addFirst(c);
        return;
      }
    }
    closeQuietly(c);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Nothing is left to save on a connection being thrown away.
    }
  }

  LabrunException failure(String action, SQLException e) {
    Dialect.Failure kind = dialect.classify(e);
    String why =
        switch (kind) {
          case LOCKED ->
              "the run history "
                  + location
                  + " stayed locked by another labrun process for more than "
                  + seconds(lockTimeout)
                  + "; try again when it has finished, or stop the process that holds it";
          case CORRUPT ->
              "the run history "
                  + location
                  + " is damaged or is not a labrun database; make it again from the run folders"
                  + " with 'labrun history rebuild' (the damaged file is kept beside it), or"
                  + " restore it from a backup";
          case READ_ONLY ->
              "the run history "
                  + location
                  + " is read-only; make the file and its folder writable";
          case CANNOT_OPEN ->
              "cannot open the run history "
                  + location
                  + "; check that its folder exists and is writable";
          case DISK_FULL ->
              "the disk that holds the run history "
                  + location
                  + " is full; free some space and try again";
          case IO ->
              "a read or write error on the run history "
                  + location
                  + " ("
                  + firstLine(e)
                  + "); check the disk";
          case UNREACHABLE ->
              "cannot reach the run history database "
                  + location
                  + " ("
                  + firstLine(e)
                  + "); check that the server is up and the URL, user and password are right";
          // Every other write is an upsert: only a run id can be taken already.
          case DUPLICATE -> "a run with this id is in the run history " + location + " already";
          case MISSING_PARENT -> "the run it belongs to is not in the run history " + location;
          case OTHER -> "the run history " + location + " answered: " + firstLine(e);
        };
    return new LabrunException(ExitCode.STORE, "could not " + action + ": " + why, e);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0
        ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The file of a {@code jdbc:sqlite:} URL, without its {@code ?options}. */
  static Path sqliteFile(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    int q = rest.indexOf('?');
    String file = q < 0 ? rest : rest.substring(0, q);
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      // Each connection would see a database of its own: a history that forgets between calls.
      throw new IllegalArgumentException(
          "the run history needs a file: jdbc:sqlite:/path/labrun.db, not " + url);
    }
    return Path.of(file).toAbsolutePath();
  }

  /** A database URL fit for a message: no options, no user or password. */
  static String location(String url) {
    if (url.startsWith("jdbc:sqlite:")) {
      String rest = url.substring("jdbc:sqlite:".length());
      int q = rest.indexOf('?');
      return q < 0 ? rest : rest.substring(0, q);
    }
    String shown = url.replaceAll("//[^/@]*@", "//");
    int q = shown.indexOf('?');
    return q < 0 ? shown : shown.substring(0, q);
  }

  // SQLite creates the file but not its folder, and says only "unable to open" when it cannot.
  private static void prepareFolder(Path file) {
    Path folder = file.getParent();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot create the data folder "
              + folder
              + " ("
              + reason(e)
              + "); check the path and its permissions, or choose another data folder",
          e);
    }
    if (!Files.isWritable(folder)) {
      throw new LabrunException(
          ExitCode.STORE,
          "the data folder "
              + folder
              + " is not writable; make it writable or choose another data folder");
    }
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw new LabrunException(
          ExitCode.STORE, "the run history " + file + " is read-only; make it writable");
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileAlreadyExistsException f) {
      return "a file is in the way: " + f.getFile();
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied on " + a.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    return String.valueOf(e.getMessage());
  }
}
