package io.labrun.store;

import io.labrun.core.history.ApiTokens;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ApiTokens} in table {@code api_tokens} of the run history database. */
final class SqlApiTokens implements ApiTokens {
  private final Database db;
  private final String insertIfNew;

  SqlApiTokens(Database db) {
    this.db = db;
    this.insertIfNew = "INSERT INTO api_tokens (name, sha256, created_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
  }

  @Override
  public boolean add(String name, String sha256, Instant created) {
    return db.run("record API token " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement(insertIfNew)) {
        ps.setString(1, name);
        ps.setString(2, sha256);
        ps.setLong(3, created.toEpochMilli());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean revoke(String name) {
    return db.run("revoke API token " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<String> nameOf(String sha256) {
    return db.run("check an API token", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM api_tokens WHERE sha256 = ?")) {
        ps.setString(1, sha256);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<Token> list() {
    return db.run("list API tokens", c -> {
      List<Token> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name, created_ms FROM api_tokens ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Token(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
        }
      }
      return out;
    });
  }
}
