"""Audit records are append-only in the database itself (core.audit).

On PostgreSQL a BEFORE UPDATE OR DELETE trigger on `auditlog_logentry` and `core_event` raises
(SQLSTATE 23001 restrict_violation, an IntegrityError) unless
- the only change is the actor reference becoming NULL (the user row was deleted: the foreign
  key's ON DELETE SET NULL; the actor's e-mail stays in the entry), or
- the transaction ran `core.audit.audit_redaction()` (SET LOCAL stockroom.audit_redaction = on),
  which GDPR erasure uses to pseudonymise entries about an erased person.
TRUNCATE is not a row operation and stays possible for the table owner (the test database's
flush); the deployment's application role should not own the tables (README: Security).

SQLite (the embedded, single-user profile) gets no trigger: it has no per-transaction setting
the erasure bypass could use, and the admin and API refuse these writes there as everywhere.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION stockroom_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('stockroom.audit_redaction', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""
TABLES = ("auditlog_logentry", "core_event")


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION stockroom_audit_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS stockroom_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_event_add_request_context"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
