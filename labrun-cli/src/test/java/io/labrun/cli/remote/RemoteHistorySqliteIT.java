package io.labrun.cli.remote;

import io.labrun.cli.Cli;
import io.labrun.store.SqlRunStore;

/** {@link RemoteHistoryContract} on a server whose history is SQLite. */
class RemoteHistorySqliteIT extends RemoteHistoryContract {
  @Override
  String storeUrl() {
    return "jdbc:sqlite:" + tmp.resolve("server.db");
  }

  @Override
  Cli withStoreCredentials(Cli cli) {
    return cli;
  }

  @Override
  SqlRunStore openStore(String storeUrl) {
    return SqlRunStore.open(storeUrl);
  }
}
