package io.labrun.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The server's queries on an SQLite file. */
class SqliteRunBrowserTest extends RunBrowserContract {
  private static final AtomicInteger COUNT = new AtomicInteger();

  @TempDir Path dir;

  @Override
  protected String newDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("history-" + COUNT.incrementAndGet()).resolve("labrun.db");
  }
}
