package io.labrun.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds tiny pure-Python wheels for tests (no PyPI here): a package, its dist-info, a RECORD. */
public final class Wheels {
  private Wheels() {}

  /**
   * Writes {@code <name>-<version>-py3-none-any.whl} into {@code dir} with {@code
   * name/__init__.py}.
   */
  public static Path build(Path dir, String name, String version, String initPy) throws Exception {
    Files.createDirectories(dir);
    String info = name + "-" + version + ".dist-info";
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(name + "/__init__.py", initPy.getBytes(StandardCharsets.UTF_8));
    files.put(
        info + "/METADATA",
        ("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n")
            .getBytes(StandardCharsets.UTF_8));
    files.put(
        info + "/WHEEL",
        "Wheel-Version: 1.0\nGenerator: labrun-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
            .getBytes(StandardCharsets.UTF_8));
    StringBuilder record = new StringBuilder();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(f.getValue());
      record
          .append(f.getKey())
          .append(",sha256=")
          .append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha))
          .append(',')
          .append(f.getValue().length)
          .append('\n');
    }
    record.append(info).append("/RECORD,,\n");
    files.put(info + "/RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
    Path wheel = dir.resolve(name + "-" + version + "-py3-none-any.whl");
    try (OutputStream out = Files.newOutputStream(wheel);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(f.getKey()));
        zip.write(f.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw e;
    }
    return wheel;
  }
}
