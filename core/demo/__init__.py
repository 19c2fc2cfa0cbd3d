"""The deterministic demo store behind `manage.py seed_demo` (and the benchmark datasets)."""
