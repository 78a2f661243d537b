package io.labrun.app.remote;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A snapshot taken here, sent to a server: the server is asked which of its objects it lacks, and
 * only those are uploaded (unchanged files are not even read again). Of an object whose upload
 * broke off before (a submit killed half-way), only the bytes the server does not hold yet are
 * sent.
 */
final class SnapshotUpload {
  private static final int HASHES_PER_ASK = 5_000;

  private SnapshotUpload() {}

  /**
   * Sends the objects of the snapshot (and its manifest) the server does not have; returns how
   * many.
   */
  static int upload(ServerClient client, ObjectStore objects, Snapshot snapshot) {
    Set<String> hashes = new LinkedHashSet<>();
    for (SnapshotEntry e : snapshot.entries()) {
      hashes.add(e.sha256());
    }
    hashes.add(snapshot.id());
    List<String> all = new ArrayList<>(hashes);
    int sent = 0;
    for (int from = 0; from < all.size(); from += HASHES_PER_ASK) {
      JsonNode answer =
          client.post(
              "/api/v1/objects/missing",
              Map.of("hashes", all.subList(from, Math.min(all.size(), from + HASHES_PER_ASK))));
      JsonNode partial = answer.path("partial");
      for (JsonNode m : answer.get("missing")) {
        String sha = m.asString();
        long size;
        try {
          size = objects.size(sha);
        } catch (IOException e) {
          throw new LabrunException(
              ExitCode.STORE,
              "cannot read object " + sha + " of the snapshot: " + e.getMessage(),
              e);
        }
        // What an upload broken off before (a killed submit) left on the server is not sent again.
        long offset = partial.path(sha).asLong(0);
        if (offset <= 0 || offset >= size) {
          offset = 0;
        }
        long start = offset;
        client.put(
            "/api/v1/objects/" + sha + (start == 0 ? "" : "?offset=" + start),
            () -> open(objects, sha, start),
            size - start);
        sent++;
      }
    }
    return sent;
  }

  private static InputStream open(ObjectStore objects, String sha, long offset) {
    try {
      return objects.open(sha, offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
