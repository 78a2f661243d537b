package io.labrun.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ctrl-C while a command runs. By default the JVM stops (its shutdown hooks run); a command that
 * has something to ask or to hand over first takes Ctrl-C for itself with {@link #take}, until it
 * closes the returned handle. On a real terminal this traps SIGINT ({@code sun.misc.Signal},
 * through reflection since it is not a supported API; without it Ctrl-C keeps stopping the JVM); in
 * tests {@link #press()} stands for the key.
 *
 * <p>What must still be said or done when the command is stopped (Ctrl-C that no command took, the
 * terminal gone) is registered with {@link #onStop}: a JVM shutdown hook when the command has the
 * JVM to itself, or, in the resident labrun process that serves many commands, a hook that {@link
 * #stop()} runs when this command's client goes away.
 */
public final class Interrupts {
  private final boolean trapSignals;
  private final boolean resident;
  private final List<Runnable> stopHooks = new CopyOnWriteArrayList<>();
  private volatile Runnable handler;

  Interrupts(boolean trapSignals, boolean resident) {
    this.trapSignals = trapSignals;
    this.resident = resident;
  }

  /** What Ctrl-C does while the command holds it. */
  public interface Taken extends AutoCloseable {
    @Override
    void close();
  }

  /** From now until the handle is closed, Ctrl-C runs {@code onInterrupt} (on another thread). */
  public Taken take(Runnable onInterrupt) {
    handler = onInterrupt;
    Runnable restore = trapSignals ? trap("INT", () -> press()) : () -> {};
    return () -> {
      handler = null;
      restore.run();
    };
  }

  /** Presses Ctrl-C: runs the command's handler if one holds it; returns whether one did. */
  public boolean press() {
    Runnable h = handler;
    if (h != null) {
      h.run();
    }
    return h != null;
  }

  /** Runs {@code hook} if the command is stopped before the handle is closed. */
  public Taken onStop(Runnable hook) {
    if (resident) {
      stopHooks.add(hook);
      return () -> stopHooks.remove(hook);
    }
    Thread thread = new Thread(hook, "labrun-stop-hook");
    Runtime.getRuntime().addShutdownHook(thread);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(thread);
      } catch (IllegalStateException e) {
        // shutting down: the hook has said its word
      }
    };
  }

  /** The command is being stopped (resident process only): runs its stop hooks, once each. */
  public void stop() {
    for (Runnable hook : stopHooks) {
      if (stopHooks.remove(hook)) {
        hook.run();
      }
    }
  }

  /** Installs a handler for the signal; returns what puts the previous one back. */
  private static Runnable trap(String name, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      Object ours =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      action.run();
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "labrun " + name + " handler";
                  });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object previous = handle.invoke(null, signal, ours);
      return () -> {
        try {
          handle.invoke(null, signal, previous);
        } catch (IllegalAccessException | InvocationTargetException ignored) {
          // cannot happen once installing worked; the JVM is about to end anyway
        }
      };
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return () -> {}; // no signal API here: Ctrl-C stops the JVM and the shutdown hooks hand over
    }
  }
}
