package io.labrun.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The query language on an SQLite file. */
class SqliteRunFilterTest extends RunFilterContract {
  private static final AtomicInteger COUNT = new AtomicInteger();

  @TempDir Path dir;

  @Override
  protected String newDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("history-" + COUNT.incrementAndGet()).resolve("labrun.db");
  }
}
