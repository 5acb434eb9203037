"""Re-invoking tracked functions from the dashboard (docs/replay.md, Re-invoke)."""
