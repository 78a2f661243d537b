package io.labrun.store;

/** The PostgreSQL server of the test environment, as {@code scripts/test-env/postgres.sh} prints it. */
public final class TestPostgres {
  private TestPostgres() {}

  /** A JDBC URL with credentials; fails with what to do when the environment has no server. */
  public static String url() {
    String url = System.getenv("LABRUN_TEST_PG_URL");
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalStateException("no PostgreSQL for the tests: run them with scripts/test.sh, which starts one"
          + " (or eval \"$(scripts/test-env/postgres.sh)\" first)");
    }
    String user = System.getenv().getOrDefault("LABRUN_TEST_PG_USER", "labrun");
    String password = System.getenv().getOrDefault("LABRUN_TEST_PG_PASSWORD", "");
    return url + (url.contains("?") ? "&" : "?") + "user=" + user + "&password=" + password;
  }
}
