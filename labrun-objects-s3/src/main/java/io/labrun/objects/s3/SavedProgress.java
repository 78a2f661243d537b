package io.labrun.objects.s3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The parts of one streamed upload that reached S3 with none missing before them, saved to the
 * bucket ({@link UploadStates}) each time that run grows. Parts arrive out of order (several are
 * sent at once); a part that arrives early waits here for those before it. One saver at a time
 * writes the newest state, so saves never overtake each other; a save that fails leaves the
 * bucket's state behind what S3 holds, which is still true (a continued upload sends a little more
 * again).
 */
final class SavedProgress {
  private final UploadStates states;
  private final String sha256;
  private final String uploadId;
  private final List<CompletedPart> held;
  private long received;
  private byte[] digestState;
  private final Map<Integer, Arrived> early = new HashMap<>();
  private boolean changed;
  private boolean saving;

  /** Continues after {@code held} (parts 1 to n, {@code received} bytes) or from nothing. */
  SavedProgress(
      UploadStates states,
      String sha256,
      String uploadId,
      List<CompletedPart> held,
      long received) {
    this.states = states;
    this.sha256 = sha256;
    this.uploadId = uploadId;
    this.held = new ArrayList<>(held);
    this.received = received;
  }

  /**
   * A part S3 now holds, {@code length} bytes, after which the content's SHA-256 state is {@code
   * stateAfter} (null for the last part, shorter than the others: the upload completes after it or
   * not at all). Saves the state when the run of parts grew; runs on the part's thread.
   */
  void arrived(CompletedPart part, long length, byte[] stateAfter) {
    synchronized (this) {
      early.put(part.partNumber(), new Arrived(part, length, stateAfter));
      for (Arrived a; (a = early.get(held.size() + 1)) != null && a.digestState != null; ) {
        early.remove(held.size() + 1);
        held.add(a.part);
        received += a.length;
        this.digestState = a.digestState;
        changed = true;
      }
      if (!changed || saving) {
        return; // nothing new, or the thread saving now saves this too
      }
      saving = true;
    }
    while (true) {
      UploadStates.Saved next;
      synchronized (this) {
        if (!changed) {
          saving = false;
          return;
        }
        changed = false;
        next =
            new UploadStates.Saved(
                uploadId, held.size(), received, UploadStates.etags(held), this.digestState);
      }
      try {
        states.save(sha256, next);
      } catch (SdkException e) {
        // the bucket's state stays behind: still true, only less is kept
      } catch (RuntimeException e) {
        synchronized (this) {
          saving = false;
        }
        throw e;
      }
    }
  }

  String uploadId() {
    return uploadId;
  }

  /** How many parts in a row S3 holds (and the bucket's state says, unless a save failed). */
  synchronized int held() {
    return held.size();
  }

  private record Arrived(CompletedPart part, long length, byte[] digestState) {}
}
