package io.labrun.core.snapshot;

import java.util.regex.Pattern;

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
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public SnapshotEntry {
    checkPath(path);
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
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
    return s != null && SHA256.matcher(s).matches();
  }

  private static void checkPath(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("empty snapshot path");
    }
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      String segment = path.substring(start, end);
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("snapshot paths are relative, '/'-separated, without empty, '.' or '..' segments: " + path);
      }
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException("NUL in snapshot path: " + path);
      }
      // An unpaired surrogate cannot be written as UTF-8, so the manifest could not round-trip it.
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= path.length() || !Character.isLowSurrogate(path.charAt(i + 1))) {
          throw new IllegalArgumentException("unpaired surrogate in snapshot path: " + path);
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("unpaired surrogate in snapshot path: " + path);
      }
    }
  }
}
