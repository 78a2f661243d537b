package io.labrun.core.environment;

import java.time.Duration;

/**
 * An environment that is ready: its id, where it is (an image tag, a venv folder), whether it was
 * there already, and how long getting it took.
 */
public record PreparedEnvironment(String id, String reference, boolean cached, Duration took) {}
