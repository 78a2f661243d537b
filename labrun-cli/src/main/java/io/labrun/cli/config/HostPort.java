package io.labrun.cli.config;

import io.labrun.core.error.LabrunException;

/**
 * An {@code --address} with an optional port: {@code host}, {@code host:2222}, {@code [::1]:2222}.
 */
record HostPort(String host, Integer port) {
  static HostPort parse(String address, Integer port) {
    if (address == null || address.isBlank()) {
      if (port != null) {
        throw LabrunException.badInput("--port needs --address");
      }
      return null;
    }
    String host = address.trim();
    Integer p = null;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        throw LabrunException.badInput(
            "--address " + address + ": missing ']' after the IPv6 address");
      }
      String rest = host.substring(close + 1);
      host = host.substring(1, close);
      if (rest.startsWith(":")) {
        p = parsePort(rest.substring(1), address);
      } else if (!rest.isEmpty()) {
        throw LabrunException.badInput("--address " + address + ": expected [ipv6]:port");
      }
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      p = parsePort(host.substring(host.indexOf(':') + 1), address);
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw LabrunException.badInput(
          "--address '" + address + "' is not a host name or IP address");
    }
    if (p != null && port != null && !p.equals(port)) {
      throw LabrunException.badInput(
          "--address says port " + p + " but --port says " + port + "; give one");
    }
    Integer chosen = p != null ? p : port;
    if (chosen != null && (chosen < 1 || chosen > 65535)) {
      throw LabrunException.badInput("port must be between 1 and 65535, got " + chosen);
    }
    return new HostPort(host, chosen);
  }

  private static Integer parsePort(String s, String address) {
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      throw LabrunException.badInput(
          "--address " + address + ": the port must be a number, got '" + s + "'");
    }
  }
}
