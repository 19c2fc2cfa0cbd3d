"""Migrations apply forward on empty PostgreSQL (the test database) and on empty SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_migration_is_applied_on_postgresql() -> None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert connection.vendor == "postgresql"
    assert plan == []


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_migrations_and_the_demo_store_apply_on_an_empty_sqlite_database(tmp_path: Path) -> None:
    """What `make run` does on a fresh clone: migrate SQLite, then load the demo store."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout[-2000:]
    seed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "seed_demo",
            "--products",
            "5",
            "--customers",
            "20",
            "--orders",
            "40",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seed.returncode == 0, seed.stderr[-2000:]
    assert "Demo store built" in seed.stdout
