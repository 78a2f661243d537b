package io.labrun.core.snapshot;

/**
 * One regular file in a {@link Snapshot}: where it sits in the project, which stored object holds
 * its bytes, and whether it is executable (the only permission a snapshot keeps, as in Git).
 *
 * @param path relative to the project folder, segments separated by {@code /}; never absolute,
 *     never with {@code .} or {@code ..} segments, so materializing can never write outside its
 *     folder
 * @param sha256 the content's SHA-256, lowercase hex: the object's key in the object store
 * @param size the content's length in bytes
 * @param executable true when the owner-execute bit was set
 */
public record SnapshotEntry(String path, String sha256, long size, boolean executable) {

  public SnapshotEntry {
    checkPath(path);
    if (!isSha256(sha256)) {
      throw new IllegalArgumentException("not a lowercase SHA-256 hex digest: " + sha256);
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + path);
    }
  }

  /** The last segment of the path. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static boolean isSha256(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  // One pass, no allocation: snapshots are built from tens of thousands of entries.
  private static void checkPath(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("empty snapshot path");
    }
    int segmentStart = 0;
    int n = path.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '/';
      if (c == '/') {
        int len = i - segmentStart;
        if (len == 0
            || (path.charAt(segmentStart) == '.'
                && (len == 1 || (len == 2 && path.charAt(segmentStart + 1) == '.')))) {
          throw new IllegalArgumentException(
              "snapshot paths are relative, '/'-separated, without empty, '.' or '..' segments: "
                  + path);
        }
        segmentStart = i + 1;
      } else if (c == 0) {
        throw new IllegalArgumentException("NUL in snapshot path: " + path);
      } else if (Character.isSurrogate(c)) {
        // An unpaired surrogate cannot be written as UTF-8, so the manifest could not round-trip
        // it.
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(path.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException("unpaired surrogate in snapshot path: " + path);
        }
      }
    }
  }
}
