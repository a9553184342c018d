"""Reproducer runs posted by CI, console logs, crash reports and signatures."""
