package io.labrun.compute.cluster;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The class files {@link SparkDriver} needs of labrun, by path ({@code io/labrun/...class}), to run
 * it on a head node next to that node's own {@code spark-launcher} jar: the driver's classes and
 * the core ones they refer to, found from the class files' constant pools. A few dozen kilobytes,
 * uploaded once per version, instead of labrun's jar.
 */
final class DriverClasses {
  private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L(io/labrun/[\\w/$]+);");

  private DriverClasses() {}

  static Map<String, byte[]> of(Class<?> root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add(root.getName().replace('.', '/'));
    ClassLoader loader = root.getClassLoader();
    while (!todo.isEmpty()) {
      String name = todo.poll();
      String path = name + ".class";
      if (out.containsKey(path)) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          throw new IOException("labrun's class " + name + " is not on the class path");
        }
        bytes = in.readAllBytes();
      }
      out.put(path, bytes);
      for (String ref : references(bytes)) {
        if (ours(ref) && !out.containsKey(ref + ".class")) {
          todo.add(ref);
        }
      }
    }
    return out;
  }

  /**
   * Whether a class is labrun's: its own packages, and its classes in Spark's launcher package
   * ({@code org.apache.spark.launcher.Labrun*}, see {@link
   * org.apache.spark.launcher.LabrunSubmitStart}).
   */
  private static boolean ours(String name) {
    return name.startsWith("io/labrun/") || name.startsWith("org/apache/spark/launcher/Labrun");
  }

  /** Class names a class file refers to: its Class constants and the classes in its descriptors. */
  static Set<String> references(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNames = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNames[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 15 -> in.skipBytes(3);
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++; // takes two entries
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    Set<String> refs = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      if (classNames[i] != 0 && utf8[classNames[i]] != null) {
        refs.add(utf8[classNames[i]].replaceAll("^\\[+L|;$", ""));
      }
      if (utf8[i] != null && utf8[i].contains("Lio/labrun/")) {
        Matcher m = DESCRIPTOR_CLASS.matcher(utf8[i]);
        while (m.find()) {
          refs.add(m.group(1));
        }
      }
    }
    return refs;
  }
}
