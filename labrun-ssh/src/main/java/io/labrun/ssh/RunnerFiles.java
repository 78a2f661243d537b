package io.labrun.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Files on a host moved by labrun's runner over its own channel ({@code F} requests, see {@code
 * labrun_runner.py}) instead of an SFTP channel, which sshd starts through the user's login shell
 * when its SFTP server is a program of its own (OpenSSH's default). Each transfer is checked end to
 * end: what is read arrives with the size and SHA-256 the host sent, and what is written is renamed
 * into place on the host only when its size and SHA-256 match what labrun sent. The caller holds
 * the runner ({@link RemoteRunner#hold}).
 */
final class RunnerFiles {
  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final int MISSING = 2;
  private final RemoteRunner runner;
  private final String where;

  RunnerFiles(RemoteRunner runner, String where) {
    this.runner = runner;
    this.where = where;
  }

  String home() throws IOException {
    return (String) ok(ask(Map.of("op", "home"), null, "home")).get("home");
  }

  /** The file's size and whether it is a folder; empty when it does not exist. */
  Optional<Map<String, Object>> stat(String path) throws IOException {
    Map<String, Object> end = ask(Map.of("op", "stat", "path", path), null, path);
    return RemoteRunner.code(end) == MISSING ? Optional.empty() : Optional.of(ok(end));
  }

  /** Up to {@code max} bytes from {@code offset} (-1: to the end) into {@code out}; false: none. */
  boolean read(String path, long offset, long max, OutputStream out) throws IOException {
    Digesting counted = new Digesting(out);
    Map<String, Object> end =
        ask(Map.of("op", "read", "path", path, "offset", offset, "max", max), counted, path);
    if (RemoteRunner.code(end) == MISSING) {
      return false;
    }
    ok(end);
    counted.flush();
    if (((Number) end.get("size")).longValue() != counted.size
        || !counted.hex().equals(end.get("sha256"))) {
      throw new IOException(
          path + " on " + where + " arrived damaged (its size or SHA-256 differ from the host's)");
    }
    return true;
  }

  byte[] read(String path, long offset, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 1 << 16));
    read(path, offset, max, out);
    return out.toByteArray();
  }

  Optional<byte[]> readAll(String path) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return read(path, 0, -1, out) ? Optional.of(out.toByteArray()) : Optional.empty();
  }

  void write(String path, byte[] content, boolean ownerOnly) throws IOException {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("op", "write");
    request.put("path", path);
    request.put("size", content.length);
    request.put("sha256", HexFormat.of().formatHex(sha256().digest(content)));
    request.put("private", ownerOnly);
    Map<String, Object> end = ask(request, new ByteArrayInputStream(content), null, path);
    if (RemoteRunner.code(end) == MISSING) {
      throw new IOException("cannot write " + path + " on " + where + ": no such folder");
    }
    ok(end);
  }

  void mkdirs(String path) throws IOException {
    ok(ask(Map.of("op", "mkdirs", "path", path), null, path));
  }

  void makePrivate(String folder) throws IOException {
    ok(ask(Map.of("op", "private", "path", folder), null, folder));
  }

  /** Copies a folder of the host into {@code local} as {@link RemoteFiles#download} does. */
  @SuppressWarnings("unchecked")
  int download(String remoteDir, Path local) throws IOException {
    Map<String, Object> end = ask(Map.of("op", "list", "path", remoteDir), null, remoteDir);
    if (RemoteRunner.code(end) == MISSING) {
      return 0;
    }
    Files.createDirectories(local);
    int count = 0;
    for (Object e : (List<Object>) ok(end).get("entries")) {
      List<Object> entry = (List<Object>) e;
      String name = (String) entry.get(0);
      Path to = local.resolve(name).normalize();
      if (!to.startsWith(local.normalize())) {
        throw new IOException(remoteDir + " on " + where + " lists a file outside it: " + name);
      }
      if (entry.get(1).equals("d")) {
        Files.createDirectories(to);
      } else {
        try (OutputStream out = Files.newOutputStream(to)) {
          read(remoteDir + "/" + name, 0, -1, out); // a file gone since the listing stays empty
        }
        count++;
      }
    }
    return count;
  }

  private Map<String, Object> ask(Map<String, Object> request, OutputStream out, String what)
      throws IOException {
    return ask(request, null, out, what);
  }

  private Map<String, Object> ask(
      Map<String, Object> request, InputStream content, OutputStream out, String what)
      throws IOException {
    long t = SshTrace.start();
    Map<String, Object> end =
        runner.exchange(
            'F',
            request,
            content,
            out == null ? OutputStream.nullOutputStream() : out,
            OutputStream.nullOutputStream(),
            TIMEOUT,
            where);
    if (end == null) {
      throw new IllegalStateException("labrun's runner was used without holding it: " + what);
    }
    SshTrace.done("runner file: " + request.get("op") + " " + what, t);
    return end;
  }

  /** The answer of a file operation that succeeded; else its failure as an IOException. */
  private Map<String, Object> ok(Map<String, Object> end) throws IOException {
    int code = RemoteRunner.code(end);
    if (code != 0) {
      throw new IOException(
          end.getOrDefault("error", code == MISSING ? "no such file" : "failed") + " on " + where);
    }
    return end;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Passes bytes on, counting them and hashing them. */
  private static final class Digesting extends FilterOutputStream {
    private final MessageDigest sha = sha256();
    private long size;

    Digesting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      sha.update(b, off, len);
      size += len;
    }

    String hex() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
