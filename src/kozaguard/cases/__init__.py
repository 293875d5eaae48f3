"""Cases: victims, evidence, attribution, damage and compensation under configurable policies."""
