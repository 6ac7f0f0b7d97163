"""Browser tests of the web UI (Playwright driving the system chromium)."""
